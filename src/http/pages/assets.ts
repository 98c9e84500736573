// Static files of the pages, served by the app itself (no CDN: the pages must work inside a hospital network):
// our own CSS and scripts, and the chart library straight from its npm package.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

const OWN_ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
const require = createRequire(import.meta.url);
// The package exports only its modules; its main entry sits in dist/ beside the ready-made browser bundle.
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

export function assetRoutes(): Router {
  const router = Router();
  const cache = { maxAge: '1h' };
  router.use('/assets', express.static(OWN_ASSETS, { ...cache, index: false }));
  router.get('/assets/vendor/chart.umd.min.js', (_req, res) => {
    res.sendFile(CHART_JS, cache);
  });
  return router;
}
