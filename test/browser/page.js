/* global document, location, URL */
// A front end as the README sets it up: Apollo Client with the generated
// possibleTypes and typePolicies, against the subgraph URL given in ?graphql=.
// It renders a line's plan and prices, and a typed error's code and message.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import introspection from '../../schema/client/possible-types.js';
import { typePolicies } from '../../schema/client/type-policies.js';

const LINE = gql`
  query Line($businessId: BusinessId!, $msisdn: Msisdn!) {
    mobileLine(businessId: $businessId, msisdn: $msisdn) {
      __typename
      ... on MobileLine {
        businessId
        msisdn
        plan {
          __typename
          id
          name
        }
        addons {
          product {
            __typename
            id
          }
          prices {
            dutyFreeAmount {
              amount
            }
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`;

const client = new ApolloClient({
  link: new HttpLink({ uri: new URL(location.href).searchParams.get('graphql') ?? '' }),
  cache: new InMemoryCache({ possibleTypes: introspection.possibleTypes, typePolicies }),
});

/** One line as the page shows it: its plan and each add-on's prices, or its error. */
async function render(target, msisdn) {
  const { data } = await client.query({ query: LINE, variables: { businessId: 'PR', msisdn } });
  const line = data.mobileLine;
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
