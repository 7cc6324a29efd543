-- Partner lists are mostly filtered by state ("the active partners of a library"): in key order
-- within one state, so a filtered page reads only its own rows, at any depth.
CREATE INDEX partners_by_state ON partners (library_id, state, id);
