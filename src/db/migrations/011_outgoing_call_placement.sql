-- Each time an outgoing call's row is taken for placing (a new press after a failure or a stale placing) it gets
-- a new placement number, carried in the voice_start and whenhangup URLs given to the provider: a record or an
-- answer of an earlier placement of the same attempt is told apart from the current one.
ALTER TABLE outgoing_calls ADD COLUMN placement integer NOT NULL DEFAULT 0;
