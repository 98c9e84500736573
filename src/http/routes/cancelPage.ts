// The page behind the SMS cancel link: shows the promised time and cancels with one button. No script,
// so it works on any phone; the token travels in the link and the form, never in a cookie.
import type { RateLimits } from '../rateLimits.js';
import { Router, urlencoded } from 'express';
import { AppError } from '../../errors.js';
import type { CallbackBookingService } from '../../services/callbackBooking.js';
import { promiseText } from '../present.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}button{font-size:1.1rem;padding:.6rem 1.2rem}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

const NOT_FOUND = page('Bokningen hittades inte', '<p>Länken är ogiltig eller har gått ut.</p>');

export function cancelPageRoutes(booking: CallbackBookingService, limits: RateLimits): Router {
  const router = Router();

  router.get('/avboka/:id', limits.publicReads, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    try {
      const callback = await booking.show(String(req.params.id), token);
      const { name, timezone } = await booking.clinicRules(callback.clinicId);
      if (callback.status === 'cancelled') {
        res.send(page('Avbokad', `<p>Din telefontid hos ${escape(name)} är redan avbokad.</p>`));
        return;
      }
      res.send(
        page(
          `Telefontid hos ${name}`,
          `<p>${escape(promiseText(callback.slot, timezone))}</p>
<form method="post" action="/avboka/${escape(callback.id)}"><input type="hidden" name="token" value="${escape(token)}">
<button type="submit">Avboka telefontiden</button></form>`,
        ),
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      res.status(404).send(NOT_FOUND);
    }
  });

  router.post('/avboka/:id', limits.bookings, urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    try {
      const callback = await booking.cancel(String(req.params.id), token);
      const { name } = await booking.clinicRules(callback.clinicId);
      res.send(page('Avbokad', `<p>Din telefontid hos ${escape(name)} är avbokad. Välkommen att boka en ny tid om du behöver.</p>`));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'not_cancellable') {
        res.status(409).send(page('Kan inte avbokas', '<p>En sjuksköterska har redan börjat med ditt ärende.</p>'));
        return;
      }
      res.status(404).send(NOT_FOUND);
    }
  });

  return router;
}
