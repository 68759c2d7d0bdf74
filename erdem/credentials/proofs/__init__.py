"""Securing Open Badges 3.0 credentials, in pure Python with no database.

contexts (the pinned JSON-LD contexts, from local files only), canonical (RDFC-1.0 with
pyoxigraph or PyLD), multikey (Ed25519 Multikey and did:key), data_integrity (the
eddsa-rdfc-2022 cryptosuite), jwt (VC-JWT with EdDSA), status_list (Bitstring Status List),
schema (JSON Schema validation), samples (credentials for tests and benchmarks).
"""
