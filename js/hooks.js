// Host adaptations a runtime entry installs before its API is used (internal; not exported by the
// package). Node's entry adapts a `stream.Writable` for `pipeTo`; the others keep the identity.
export const hooks = {
  /** Turns what `pipeTo` received into a WHATWG `WritableStream`. */
  writable: (w) => w,
};
