// The grains' concepts use each other freely; each folder is one of them, and one namespace.
global using ApiKeys.Grains.Changes;
global using ApiKeys.Grains.Events;
global using ApiKeys.Grains.Keys;
global using ApiKeys.Grains.Storage;
global using ApiKeys.Grains.Tenants;
global using ApiKeys.Grains.Usage;
