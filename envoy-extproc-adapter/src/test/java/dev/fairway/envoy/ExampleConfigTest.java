package dev.fairway.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Any;
import com.google.protobuf.util.JsonFormat;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/envoy: envoy.yaml is read into Envoy's own Bootstrap proto (unknown fields and bad enum
 * values fail, as Envoy would reject them), and checked against fairway.yaml: the names, ports,
 * modes and limits the two files must agree on. No Envoy binary is needed for this part.
 */
class ExampleConfigTest {
    static final Path DIR = Path.of("..", "examples", "envoy");

    private static Bootstrap bootstrap;
    private static HttpConnectionManager hcm;
    private static ExtProcConfig fairway;

    @BeforeAll
    static void read() throws Exception {
        JsonFormat.TypeRegistry types = JsonFormat.TypeRegistry.newBuilder()
                .add(HttpConnectionManager.getDescriptor()).add(ExternalProcessor.getDescriptor())
                .add(ExtProcPerRoute.getDescriptor()).add(Router.getDescriptor())
                .add(HttpProtocolOptions.getDescriptor()).add(UpstreamTlsContext.getDescriptor())
                .build();
        Object yaml = new ObjectMapper(new YAMLFactory()).readValue(DIR.resolve("envoy.yaml").toFile(), Object.class);
        String json = new ObjectMapper().writeValueAsString(yaml);
        Bootstrap.Builder b = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(types).merge(json, b);
        bootstrap = b.build();
        hcm = bootstrap.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0).getTypedConfig()
                .unpack(HttpConnectionManager.class);
        fairway = ExtProcConfig.parse(Files.readString(DIR.resolve("fairway.yaml")),
                ConfigLoader.withEnv(Map.of("OPENAI_API_KEY", "sk-example")));
    }

    @Test
    void extProcFilterSendsHeadersAndBufferedBodyAndWaitsLongerThanTheDecisionDeadline() throws Exception {
        HttpFilter filter = hcm.getHttpFilters(0);
        assertThat(filter.getName()).isEqualTo("envoy.filters.http.ext_proc");
        assertThat(hcm.getHttpFilters(hcm.getHttpFiltersCount() - 1).getName()).isEqualTo("envoy.filters.http.router");
        ExternalProcessor ext = filter.getTypedConfig().unpack(ExternalProcessor.class);
        assertThat(ext.getProcessingMode().getRequestBodyMode()).isEqualTo(ProcessingMode.BodySendMode.BUFFERED);
        assertThat(ext.getFailureModeAllow()).isFalse();
        assertThat(ext.getMutationRules().getAllowAllRouting().getValue()).as("direct mode sets :authority").isTrue();
        long messageTimeoutMs = ext.getMessageTimeout().getSeconds() * 1000 + ext.getMessageTimeout().getNanos() / 1_000_000;
        assertThat(messageTimeoutMs).isGreaterThan(fairway.envoy().decisionTimeoutMs());
        assertThat(ext.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo("fairway_extproc");
    }

    @Test
    void everyEntryRouteNamesAFairwayRouteAndDirectRoutesObserveTheResponse() throws Exception {
        int entries = 0;
        for (Route r : routes()) {
            if (!r.getTypedPerFilterConfigMap().containsKey("envoy.filters.http.ext_proc")) {
                continue;
            }
            entries++;
            ExtProcPerRoute per = r.getTypedPerFilterConfigMap().get("envoy.filters.http.ext_proc").unpack(ExtProcPerRoute.class);
            List<HeaderValue> md = per.getOverrides().getGrpcInitialMetadataList();
            assertThat(md).hasSize(1);
            assertThat(md.get(0).getKey()).isEqualTo(fairway.envoy().routeMetadata());
            RouteConfig route = fairway.route(md.get(0).getValue());
            assertThat(route).as("fairway.yaml route %s", md.get(0).getValue()).isNotNull();
            assertThat(r.getMatch().getPrefix()).isEqualTo(route.prefix() + "/");
            if (fairway.envoy().route(route.name()).mode() == ForwardMode.DIRECT) {
                ProcessingMode mode = per.getOverrides().getProcessingMode();
                assertThat(mode.getRequestBodyMode()).isEqualTo(ProcessingMode.BodySendMode.BUFFERED);
                assertThat(mode.getResponseHeaderMode()).isEqualTo(ProcessingMode.HeaderSendMode.SEND);
                assertThat(mode.getResponseBodyMode()).isIn(ProcessingMode.BodySendMode.STREAMED, ProcessingMode.BodySendMode.FULL_DUPLEX_STREAMED);
            }
        }
        assertThat(entries).isEqualTo(fairway.gateway().routes().size());
    }

    @Test
    void routingHeaderValuesReachTheRightClustersAndCannotBeForgedPastTheService() throws Exception {
        Map<String, String> clusterByValue = new HashMap<>();
        for (Route r : routes()) {
            for (HeaderMatcher h : r.getMatch().getHeadersList()) {
                if (h.getName().equals(fairway.envoy().upstreamHeader())) {
                    clusterByValue.put(h.getStringMatch().getExact(), r.getRoute().getCluster());
                    // No override here: a forged header leaves the stream without route metadata.
                    assertThat(r.getTypedPerFilterConfigMap()).isEmpty();
                    assertThat(r.getRequestHeadersToRemoveList()).contains(fairway.envoy().upstreamHeader());
                }
            }
        }
        assertThat(port(cluster(clusterByValue.get(fairway.envoy().dispatcherUpstream()))))
                .isEqualTo(fairway.gateway().dispatch().loopbackPort());
        EnvoyRoute direct = fairway.envoy().route("direct");
        assertThat(clusterByValue).containsKeys(direct.upstreamFor("mock"), direct.upstreamFor("openai"), direct.upstreamFor("anthropic"));
        for (String provider : List.of("openai", "anthropic")) {
            Cluster c = cluster(clusterByValue.get(provider));
            UpstreamTlsContext tls = c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
            assertThat(tls.getSni()).isEqualTo("api." + provider + ".com");
            assertThat(tls.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename()).isNotEmpty();
        }
    }

    @Test
    void bufferLimitAndGrpcMessageLimitCoverTheLargestBody() {
        Listener listener = bootstrap.getStaticResources().getListeners(0);
        long largest = fairway.gateway().routes().stream().mapToLong(RouteConfig::maxBodyBytes).max().orElseThrow();
        assertThat((long) listener.getPerConnectionBufferLimitBytes().getValue()).isGreaterThanOrEqualTo(largest);
        assertThat((long) ExtProcServer.maxInboundMessageSize(fairway)).isGreaterThan(largest);
        Cluster ext = cluster("fairway_extproc");
        assertThat(port(ext)).isEqualTo(9001);
        Any options = ext.getTypedExtensionProtocolOptionsMap().get("envoy.extensions.upstreams.http.v3.HttpProtocolOptions");
        assertThat(options).as("gRPC needs HTTP/2 to the ext_proc cluster").isNotNull();
    }

    private static List<Route> routes() {
        return hcm.getRouteConfig().getVirtualHosts(0).getRoutesList();
    }

    private static Cluster cluster(String name) {
        return bootstrap.getStaticResources().getClustersList().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster " + name));
    }

    private static int port(Cluster c) {
        return c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue();
    }
}
