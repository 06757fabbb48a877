// Stands in for xmlbuilder2 (the docs page's HTML builder, which needs Node's `events`) in the
// Worker bundle: wrangler.toml's [alias] points here, so the Worker builds without nodejs_compat.
// A Worker serves calls; its docs page (docsPage: true) would answer 500.
export function create() {
  throw new Error('the docs page is not part of this Worker build (see wrangler.toml [alias])');
}
