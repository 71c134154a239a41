"""Code systems: ICD-10-CM tables, our lexicon data, history-code maps."""
