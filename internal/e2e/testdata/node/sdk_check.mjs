// Drives Portico with the official stripe-node SDK, as a merchant's Node
// backend would, and exits non-zero on the first surprise. Run by
// node_sdk_test.go with PORTICO_URL and PORTICO_KEY set.
import Stripe from 'stripe';
import assert from 'node:assert/strict';

const url = new URL(process.env.PORTICO_URL);
const stripe = new Stripe(process.env.PORTICO_KEY, {
  host: url.hostname,
  port: url.port,
  protocol: url.protocol.replace(':', ''),
  maxNetworkRetries: 2,
});

async function expectError(promise, type, status, code, param) {
  try {
    await promise;
  } catch (err) {
    assert.equal(err.type, type, `error type for ${code}: ${err.message}`);
    assert.equal(err.statusCode, status, `status for ${code}`);
    assert.equal(err.code, code, `code: ${err.message}`);
    if (param !== undefined) assert.equal(err.param, param, 'param');
    assert.ok(err.requestId && err.requestId.startsWith('req_'), 'request id on the error');
    return err;
  }
  assert.fail(`expected ${type} ${code}`);
}

// Customers: create, retrieve, update with metadata deletion, list, search.
const customer = await stripe.customers.create({
  email: 'node@example.com',
  name: 'Node Customer',
  metadata: { plan: 'pro', keep: 'yes' },
  address: { line1: '1 Main St', city: 'Springfield', country: 'US' },
  preferred_locales: ['de', 'en'],
});
assert.match(customer.id, /^cus_/);
assert.equal(customer.object, 'customer');
assert.equal(customer.address.city, 'Springfield');
assert.equal(customer.livemode, false);
assert.equal(customer.lastResponse.headers['request-id'].slice(0, 4), 'req_');

const updated = await stripe.customers.update(customer.id, { metadata: { plan: '' }, phone: '+4930123456' });
assert.deepEqual(updated.metadata, { keep: 'yes' });
assert.equal(updated.phone, '+4930123456');

for (let i = 0; i < 4; i++) await stripe.customers.create({ email: `page${i}@example.com` });
const all = [];
for await (const c of stripe.customers.list({ limit: 2 })) all.push(c.id);
assert.equal(all.length, 5, 'auto-pagination sees every customer');
assert.equal(new Set(all).size, 5);

const found = await stripe.customers.search({ query: "metadata['keep']:'yes'" });
assert.equal(found.object, 'search_result');
assert.deepEqual(found.data.map((c) => c.id), [customer.id]);

// Idempotent retries: the same key returns the same object.
const k = `node-${Date.now()}`;
const a = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: k });
const b = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: k });
assert.equal(a.id, b.id);

// Catalog: product, recurring price, expand.
const product = await stripe.products.create({ name: 'Pro plan' });
const price = await stripe.prices.create({
  product: product.id, currency: 'eur', unit_amount: 2900, recurring: { interval: 'month' }, lookup_key: `pro_${Date.now()}`,
});
assert.equal(price.recurring.interval, 'month');
assert.equal(String(price.unit_amount_decimal), '2900'); // stripe-node 23 decodes decimals
const prices = await stripe.prices.list({ product: product.id, expand: ['data.product'] });
assert.equal(prices.data[0].product.name, 'Pro plan');

// Payment methods: a test card attaches; a declining one is a card error.
const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
assert.equal(pm.card.last4, '4242');
assert.equal(pm.customer, customer.id);
const withDefault = await stripe.customers.update(customer.id, {
  invoice_settings: { default_payment_method: pm.id },
  expand: ['invoice_settings.default_payment_method'],
});
assert.equal(withDefault.invoice_settings.default_payment_method.id, pm.id);
const declined = await expectError(
  stripe.paymentMethods.attach('pm_card_chargeDeclined', { customer: customer.id }),
  'StripeCardError', 402, 'card_declined');
assert.equal(declined.decline_code, 'generic_decline');

// Discounts, tax IDs, test clocks.
const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'repeating', duration_in_months: 3 });
const promo = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
assert.equal(promo.promotion.coupon, coupon.id);
const taxId = await stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: 'DE123456789' });
assert.equal(taxId.country, 'DE');
const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) });
const advancing = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: clock.frozen_time + 86400 });
assert.equal(advancing.status, 'advancing');

// Errors: a missing object in the path, an unknown parameter, a bad key.
await expectError(stripe.customers.retrieve('cus_missing'), 'StripeInvalidRequestError', 404, 'resource_missing');
await expectError(stripe.customers.create({ nmae: 'typo' }), 'StripeInvalidRequestError', 400, 'parameter_unknown', 'nmae');
const bad = new Stripe('sk_test_wrongwrongwrongwrongwrongwrong', { host: url.hostname, port: url.port, protocol: 'http' });
try {
  await bad.customers.list();
  assert.fail('a wrong key was accepted');
} catch (err) {
  assert.equal(err.type, 'StripeAuthenticationError');
  assert.equal(err.statusCode, 401);
}

// Deletion.
const deleted = await stripe.customers.del(customer.id);
assert.equal(deleted.deleted, true);

console.log(JSON.stringify({ ok: true, customer: customer.id, api_version: Stripe.API_VERSION ?? null }));
