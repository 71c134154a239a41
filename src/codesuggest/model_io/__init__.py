"""Model artefacts in formats that cannot run code when read.

joblib and pickle call whatever a file names while it loads, so a model directory holds none:
numbers are numpy arrays in ``.npz`` files read with ``allow_pickle=False``
(:mod:`~codesuggest.model_io.arrays`), text and parameters are JSON or TSV, and each fitted
object is rebuilt from them by a reader that knows its shape: the ICD-10-CM table
(:mod:`~codesuggest.model_io.codeset`), the lexicon index (:mod:`~codesuggest.model_io.lexicon`),
the TF-IDF vectoriser (:mod:`~codesuggest.model_io.vectorizer`) and the learned scorer
(:mod:`~codesuggest.model_io.learned`). Which files a model may hold, and their checksums, is
:mod:`codesuggest.model_dir`'s concern.
"""
