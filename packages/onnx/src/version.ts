/**
 * @file The package version written as the model's `producer_version`. A constant rather than a read of
 * package.json, so the exporter runs in browsers and bundlers; `version.test.ts` fails when it drifts
 * from package.json (after `changeset version`, update it here).
 */
export const VERSION = '0.1.0';
