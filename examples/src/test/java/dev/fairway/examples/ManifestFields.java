package dev.fairway.examples;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields each Kubernetes resource kind used in examples/kubernetes defines, per apiVersion, as
 * dotted paths ({@code []} for a list's items, {@code .*} for a free-form map below). Written from
 * the documented APIs, limited to the parts the examples could use:
 * <ul>
 * <li>core kinds (ConfigMap, Secret, Service, Deployment, PodDisruptionBudget, HorizontalPodAutoscaler,
 *     Ingress): https://kubernetes.io/docs/reference/kubernetes-api/
 * <li>KongPlugin, KongClusterPlugin (configuration.konghq.com/v1):
 *     https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources
 * <li>ApisixRoute, ApisixUpstream (apisix.apache.org/v2):
 *     https://apisix.apache.org/docs/ingress-controller/1.8.0/references/apisix_route_v2 and
 *     https://apisix.apache.org/docs/ingress-controller/1.8.0/references/apisix_upstream
 * <li>HTTPRoute (gateway.networking.k8s.io/v1): https://gateway-api.sigs.k8s.io/reference/spec/
 * <li>EnvoyExtensionPolicy (gateway.envoyproxy.io/v1alpha1):
 *     https://gateway.envoyproxy.io/docs/api/extension_types/#envoyextensionpolicy and
 *     https://gateway.envoyproxy.io/latest/tasks/extensibility/ext-proc
 * </ul>
 */
final class ManifestFields {
    private ManifestFields() {}

    private static final List<String> METADATA = List.of("apiVersion", "kind", "metadata.name", "metadata.namespace",
            "metadata.labels.*", "metadata.annotations.*");

    private static final List<String> PROBE = List.of("httpGet.path", "httpGet.port", "httpGet.scheme", "httpGet.httpHeaders[].name",
            "httpGet.httpHeaders[].value", "tcpSocket.port", "exec.command[]", "grpc.port", "initialDelaySeconds",
            "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold");

    private static final List<String> CONTAINER = List.of("name", "image", "imagePullPolicy", "command[]", "args[]",
            "workingDir", "ports[].name", "ports[].containerPort", "ports[].protocol", "env[].name", "env[].value",
            "env[].valueFrom.secretKeyRef.name", "env[].valueFrom.secretKeyRef.key", "env[].valueFrom.configMapKeyRef.name",
            "env[].valueFrom.configMapKeyRef.key", "envFrom[].secretRef.name", "envFrom[].configMapRef.name",
            "resources.requests.*", "resources.limits.*", "volumeMounts[].name", "volumeMounts[].mountPath",
            "volumeMounts[].subPath", "volumeMounts[].readOnly", "securityContext.allowPrivilegeEscalation",
            "securityContext.readOnlyRootFilesystem", "securityContext.runAsNonRoot", "securityContext.runAsUser",
            "lifecycle.preStop.exec.command[]");

    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            kind("v1/ConfigMap", "data.*", "binaryData.*", "immutable"),
            kind("v1/Secret", "type", "data.*", "stringData.*", "immutable"),
            kind("v1/Service", "spec.type", "spec.selector.*", "spec.ports[].name", "spec.ports[].port", "spec.ports[].targetPort",
                    "spec.ports[].protocol", "spec.ports[].appProtocol", "spec.clusterIP", "spec.externalName"),
            kind("apps/v1/Deployment", deployment()),
            kind("policy/v1/PodDisruptionBudget", "spec.minAvailable", "spec.maxUnavailable", "spec.selector.matchLabels.*"),
            kind("autoscaling/v2/HorizontalPodAutoscaler", "spec.scaleTargetRef.apiVersion", "spec.scaleTargetRef.kind",
                    "spec.scaleTargetRef.name", "spec.minReplicas", "spec.maxReplicas", "spec.metrics[].type",
                    "spec.metrics[].resource.name", "spec.metrics[].resource.target.type",
                    "spec.metrics[].resource.target.averageUtilization", "spec.metrics[].resource.target.averageValue",
                    "spec.behavior.scaleDown.stabilizationWindowSeconds", "spec.behavior.scaleUp.stabilizationWindowSeconds"),
            kind("networking.k8s.io/v1/Ingress", "spec.ingressClassName", "spec.rules[].host", "spec.rules[].http.paths[].path",
                    "spec.rules[].http.paths[].pathType", "spec.rules[].http.paths[].backend.service.name",
                    "spec.rules[].http.paths[].backend.service.port.number", "spec.rules[].http.paths[].backend.service.port.name"),
            // KongPlugin and KongClusterPlugin keep their fields at the top level, not under spec.
            kind("configuration.konghq.com/v1/KongPlugin", "plugin", "config.*", "configFrom.secretKeyRef.name",
                    "configFrom.secretKeyRef.key", "disabled", "protocols[]", "run_on", "consumerRef", "instance_name", "ordering.*"),
            kind("configuration.konghq.com/v1/KongClusterPlugin", "plugin", "config.*", "configFrom.secretKeyRef.name",
                    "configFrom.secretKeyRef.key", "configFrom.secretKeyRef.namespace", "disabled", "protocols[]", "run_on",
                    "consumerRef", "instance_name", "ordering.*"),
            kind("apisix.apache.org/v2/ApisixRoute", "spec.ingressClassName", "spec.http[].name", "spec.http[].priority",
                    "spec.http[].timeout.connect", "spec.http[].timeout.send", "spec.http[].timeout.read",
                    "spec.http[].match.paths[]", "spec.http[].match.hosts[]", "spec.http[].match.methods[]",
                    "spec.http[].backends[].serviceName", "spec.http[].backends[].servicePort",
                    "spec.http[].upstreams[].name", "spec.http[].upstreams[].weight", "spec.http[].websocket",
                    "spec.http[].plugin_config_name", "spec.http[].plugins[].name", "spec.http[].plugins[].enable",
                    "spec.http[].plugins[].config.*"),
            kind("apisix.apache.org/v2/ApisixUpstream", "spec.ingressClassName", "spec.externalNodes[].type",
                    "spec.externalNodes[].name", "spec.externalNodes[].port", "spec.externalNodes[].weight", "spec.scheme",
                    "spec.timeout.connect", "spec.timeout.send", "spec.timeout.read", "spec.retries", "spec.passHost",
                    "spec.upstreamHost", "spec.loadbalancer.type"),
            kind("gateway.networking.k8s.io/v1/HTTPRoute", "spec.parentRefs[].name", "spec.parentRefs[].namespace",
                    "spec.parentRefs[].sectionName", "spec.hostnames[]", "spec.rules[].matches[].path.type",
                    "spec.rules[].matches[].path.value", "spec.rules[].backendRefs[].name", "spec.rules[].backendRefs[].port",
                    "spec.rules[].backendRefs[].namespace", "spec.rules[].backendRefs[].weight"),
            kind("gateway.envoyproxy.io/v1alpha1/EnvoyExtensionPolicy", "spec.targetRefs[].group", "spec.targetRefs[].kind",
                    "spec.targetRefs[].name", "spec.targetRefs[].sectionName", "spec.extProc[].backendRefs[].name",
                    "spec.extProc[].backendRefs[].namespace", "spec.extProc[].backendRefs[].port",
                    "spec.extProc[].backendRefs[].group", "spec.extProc[].backendRefs[].kind",
                    "spec.extProc[].messageTimeout", "spec.extProc[].failOpen",
                    "spec.extProc[].processingMode.request.body", "spec.extProc[].processingMode.request.attributes[]",
                    "spec.extProc[].processingMode.response.body", "spec.extProc[].processingMode.response.attributes[]",
                    "spec.extProc[].processingMode.allowModeOverride"));

    private static String[] deployment() {
        List<String> paths = new java.util.ArrayList<>(List.of("spec.replicas", "spec.selector.matchLabels.*",
                "spec.strategy.type", "spec.strategy.rollingUpdate.maxUnavailable", "spec.strategy.rollingUpdate.maxSurge",
                "spec.template.metadata.labels.*", "spec.template.metadata.annotations.*",
                "spec.template.spec.terminationGracePeriodSeconds", "spec.template.spec.serviceAccountName",
                "spec.template.spec.securityContext.runAsNonRoot", "spec.template.spec.securityContext.runAsUser",
                "spec.template.spec.securityContext.fsGroup", "spec.template.spec.volumes[].name",
                "spec.template.spec.volumes[].configMap.name", "spec.template.spec.volumes[].secret.secretName",
                "spec.template.spec.volumes[].emptyDir.*"));
        for (String c : CONTAINER) {
            paths.add("spec.template.spec.containers[]." + c);
        }
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            for (String p : PROBE) {
                paths.add("spec.template.spec.containers[]." + probe + "." + p);
            }
        }
        return paths.toArray(String[]::new);
    }

    private static Map.Entry<String, Set<String>> kind(String apiVersionAndKind, String... paths) {
        Set<String> all = new TreeSet<>(METADATA);
        all.addAll(List.of(paths));
        return Map.entry(apiVersionAndKind, all);
    }

    /** The fields of {@code apiVersion/kind}, or null for a kind this list does not know. */
    static Set<String> of(String apiVersion, String kind) {
        return FIELDS.get(apiVersion + "/" + kind);
    }

    /** Whether {@code path} (list indexes as []) is one of {@code allowed}, or under one of its free-form maps. */
    static boolean allowed(Set<String> allowed, String path) {
        if (allowed.contains(path)) {
            return true;
        }
        for (String a : allowed) {
            if (a.endsWith(".*") && (path.equals(a.substring(0, a.length() - 2)) || path.startsWith(a.substring(0, a.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
