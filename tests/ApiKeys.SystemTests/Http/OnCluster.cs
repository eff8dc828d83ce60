namespace ApiKeys.Tests.Http;

// The HTTP suites again, through a cluster-mode front end: an Orleans client of silos on PostgreSQL.

[Collection(ClusterApiCollection.Name)]
public sealed class AuthenticationOnCluster(ClusterApiFixture api) : AuthenticationTests(api);

[Collection(ClusterApiCollection.Name)]
public sealed class BadInputOnCluster(ClusterApiFixture api) : BadInputTests(api);

[Collection(ClusterApiCollection.Name)]
public sealed class ExtensionsOnCluster(ClusterApiFixture api) : ExtensionsTests(api);

[Collection(ClusterApiCollection.Name)]
public sealed class HardeningOnCluster(ClusterApiFixture api) : HardeningTests(api);

[Collection(ClusterApiCollection.Name)]
public sealed class MonitoringApiOnCluster(ClusterApiFixture api) : MonitoringApiTests(api);

[Collection(ClusterApiCollection.Name)]
public sealed class QlikApiKeysOnCluster(ClusterApiFixture api) : QlikApiKeysTests(api);

[Collection(ClusterApiCollection.Name)]
public sealed class KeyRotationApiOnCluster(ClusterApiFixture api) : KeyRotationApiTests(api);

[Collection(ClusterApiCollection.Name)]
public sealed class KeySuspensionApiOnCluster(ClusterApiFixture api) : KeySuspensionApiTests(api);
