// Folder-cycle edges that exist today (deploy/local/folder-cycles.mjs): the check passes with
// exactly these and fails on any new one, and on a listed one that is gone (take it off).
// An edge `a -> b` is an import from folder a into folder b of one service's src/ that lies on
// a cycle between folders.
export default {
  // deployments: none. Its folders are layered (cores, infrastructure, features, the
  // reconciler; deploy/local/folder-layers.mjs) and keep no cycle.
  deployments: [],
  // iam: none. Its folders are layered too (store/ of entities, repositories, events and
  // errors under the features; deploy/local/folder-layers.mjs).
  iam: [],
  // gateway, keys, quotas: none; layered as well.
  gateway: [],
  keys: [],
  quotas: [],
};
