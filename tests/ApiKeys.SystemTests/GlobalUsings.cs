// The suites reach into every layer: contracts, grain implementations, storage and hosting.
global using ApiKeys.Grains.Changes;
global using ApiKeys.Grains.Events;
global using ApiKeys.Grains.Keys;
global using ApiKeys.Grains.Storage;
global using ApiKeys.Grains.Tenants;
global using ApiKeys.Grains.Usage;
global using ApiKeys.Hosting;
