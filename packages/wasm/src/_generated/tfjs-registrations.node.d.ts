// Types for the module that scripts/bundle-tfjs-registrations.mjs writes to dist/_generated at build time.
export {};
