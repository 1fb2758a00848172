/* global document, location, URL, MOBILE_LINES_OPERATION */
// A front end as the README sets it up: Apollo Client with the generated
// possibleTypes and typePolicies, against the subgraph URL given in ?graphql=.
// It renders a line's plan and prices, and a typed error's code and message,
// read with the mobile-lines example operation: the page cannot read files, so
// the bundling step puts that document, with its fragments, in
// MOBILE_LINES_OPERATION.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import introspection from '../../schema/client/possible-types.js';
import { typePolicies } from '../../schema/client/type-policies.js';

const LINES = gql(MOBILE_LINES_OPERATION);

const client = new ApolloClient({
  link: new HttpLink({ uri: new URL(location.href).searchParams.get('graphql') ?? '' }),
  cache: new InMemoryCache({ possibleTypes: introspection.possibleTypes, typePolicies }),
});

/** One line as the page shows it: its plan and each add-on's prices, or its error. */
async function render(target, msisdn) {
  const { data } = await client.query({
    query: LINES,
    variables: { businessId: 'PR', msisdns: [msisdn] },
  });
  const [line] = data.mobileLines;
  target.textContent =
    line.__typename === 'MobileLine'
      ? `${line.plan.name}; ${line.addons
          .map(
            (addon) =>
              `${addon.product.id} ${addon.prices.map((price) => price.dutyFreeAmount.amount).join('/')}`,
          )
          .join('; ')}`
      : `${line.code}: ${line.message}`;
}

Promise.all([
  render(document.getElementById('line'), '16654555678'),
  render(document.getElementById('error'), '17875559999'),
])
  .then(() => {
    document.body.dataset['state'] = 'done';
  })
  .catch((error) => {
    document.body.dataset['state'] = `failed: ${String(error)}`;
  });
