// Apollo Client 4 picks its development build by the `development` export
// condition, else by globalThis.__DEV__ when @apollo/client/utilities/environment
// first loads. Test processes get neither by default, and the production build
// drops the cache's warnings (a missing key field, an unmatched fragment), so this
// module is imported before @apollo/client to turn them on.
(globalThis as { __DEV__?: boolean }).__DEV__ = true;
