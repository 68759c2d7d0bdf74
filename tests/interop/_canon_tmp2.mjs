import jsonld from 'jsonld';
import {readFileSync, writeFileSync} from 'node:fs';
const index = JSON.parse(readFileSync('../../contexts/build/index.json'));
const loader = async url => ({contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync('../../contexts/build/' + index[url]))});
const cases = JSON.parse(readFileSync('/tmp/erdem_mismatch.json'));
const res = [];
for (const c of cases) {
  res.push(await jsonld.canonize(c.doc, {algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader: loader, safe: true}));
}
writeFileSync('/tmp/erdem_js.json', JSON.stringify(res));
