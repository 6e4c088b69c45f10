"""Returns straight from the province's mailbox over IMAP (`sceval mail fetch`, `sceval ingest --imap`).

connect.py opens a verified, logged-in, identified (RFC 2971 ID) connection and turns every
failure into an ImapFailure with a Chinese message; store.py is the Maildir the messages land in
and its per-folder state; fetch.py walks the folders read-only (EXAMINE, BODY.PEEK) in
ascending-UID batches. Nothing on the server is marked seen, moved or deleted.
"""
