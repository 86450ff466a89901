"""The engines an index can live in: Whoosh in a folder (the default) or a PostgreSQL database.

location.py says which one a location names. For searching, base.py is the interface an engine
implements (whoosh_engine.py); for indexing, store.py is what the indexer asks of an engine
(whoosh_store.py, postgres/).
"""
