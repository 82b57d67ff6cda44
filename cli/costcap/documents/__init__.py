"""One document per command, built from the core's results: the JSON contract and what people see, as data.

A library caller gets the same JSON as `-f json` from `documents.<command>.document(...).data`.
"""
