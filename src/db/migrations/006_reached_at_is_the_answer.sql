-- callbacks.reached_at means the moment the patient answered; it used to be written with the moment the
-- answering call ended, a different date for a call answered just before midnight. Rows written before the
-- fix take it from their first answered attempt (answered_at, or the start of an answered attempt a nurse
-- logged), as src/domain/callAttempt.ts reachedAt says. closed_at stays the end of the call.

-- The measures read attempts, not reached_at, so the cells need no recount: the triggers stand aside.
SELECT set_config('tracker.bulk_load', 'on', true);

UPDATE callbacks c
   SET reached_at = first_answer.at
  FROM (SELECT DISTINCT ON (callback_id) callback_id, COALESCE(answered_at, started_at) AS at
          FROM call_attempts
         WHERE answered_at IS NOT NULL OR outcome = 'answered'
         ORDER BY callback_id, started_at, id) AS first_answer
 WHERE first_answer.callback_id = c.id
   AND c.reached_at IS NOT NULL
   AND c.reached_at <> first_answer.at;

SELECT set_config('tracker.bulk_load', 'off', true);
