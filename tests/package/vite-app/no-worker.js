// Stands in for "flaneur/worker" when the package was built without the worker entry.
export {};
