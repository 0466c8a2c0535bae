package dev.fairway.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.config.Problems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a flow in Cloudflare's Dynamic Routing JSON ({@code {"name": ..., "elements": [...]}}) and
 * refuses an invalid one, naming the element (index and id) and the field at fault: unknown types,
 * outputs naming no element, cycles, a split without {@code else} whose shares do not reach 100%,
 * a conditional without both outputs, limits and models with missing or out-of-range properties.
 * Keys Fairway does not read outside {@code properties} (ids, names, editor positions) are ignored,
 * so a flow exported from Cloudflare loads; inside {@code properties} an unknown key is refused,
 * since a misspelt one would silently change what the element does.
 */
public final class FlowParser {
    static final int MAX_ELEMENTS = 200;
    static final int MAX_SHARES = 5;
    private static final Pattern SHARE = Pattern.compile("([0-9]{1,3}(?:\\.[0-9]{1,2})?)%");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final long MAX_INTERVAL = 366L * 24 * 3600;

    private final Predicate<String> knownProvider;

    /** @param knownProvider whether a model element's provider is one the gateway can call */
    public FlowParser(Predicate<String> knownProvider) {
        this.knownProvider = knownProvider;
    }

    /** The flow, or null with every mistake added to {@code problems}. */
    public FlowGraph parse(JsonNode json, Problems problems) {
        int before = problems.messages().size();
        JsonNode elements = json == null ? null : json.get("elements");
        if (json == null || !json.isObject()) {
            problems.add("", "%s (expected: an object with elements, as Cloudflare's Dynamic Routing JSON)", json);
            return null;
        }
        if (elements == null || !elements.isArray() || elements.isEmpty() || elements.size() > MAX_ELEMENTS) {
            problems.add("elements", "%s (expected: a list of 1 to %d elements)", elements == null ? "missing" : shorten(elements), MAX_ELEMENTS);
            return null;
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, Problems> where = new HashMap<>();
        Node.Start start = null;
        for (int i = 0; i < elements.size(); i++) {
            JsonNode e = elements.get(i);
            String id = e.path("id").isTextual() ? e.get("id").textValue() : null;
            Problems at = problems.at("elements", i);
            if (id == null || !ID.matcher(id).matches()) {
                at.add("id", "%s (expected: 1 to 64 letters, digits, '_', '-', '.' or ':')", e.get("id"));
                continue;
            }
            at = problems.at("elements[" + i + "](" + id + ")");
            if (nodes.containsKey(id)) {
                at.add("id", "%s is used by another element", id);
                continue;
            }
            Node node = element(id, e, at);
            if (node == null) {
                continue;
            }
            if (node instanceof Node.Start s) {
                if (start != null) {
                    at.add("type", "a second start element (expected: exactly one; the first is %s)", start.id());
                    continue;
                }
                start = s;
            }
            nodes.put(id, node);
            where.put(id, at);
        }
        if (start == null && problems.messages().size() == before) {
            problems.add("elements", "no start element (expected: exactly one element of type start)");
        }
        if (problems.messages().size() > before) {
            return null;
        }
        checkEdges(nodes, where);
        if (problems.messages().size() > before) {
            return null;
        }
        checkAcyclic(start, nodes, where);
        return problems.messages().size() > before ? null : new FlowGraph(nodes, start, json);
    }

    private Node element(String id, JsonNode e, Problems at) {
        String type = e.path("type").asText("");
        JsonNode props = e.path("properties");
        JsonNode outputs = e.path("outputs");
        if (!props.isMissingNode() && !props.isNull() && !props.isObject()) {
            at.add("properties", "%s (expected: an object)", shorten(props));
            return null;
        }
        if (!outputs.isMissingNode() && !outputs.isNull() && !outputs.isObject()) {
            at.add("outputs", "%s (expected: an object of outputs such as {\"next\": {\"elementId\": \"...\"}})", shorten(outputs));
            return null;
        }
        Outputs out = new Outputs(outputs, at.at("outputs"));
        Properties p = new Properties(props, at.at("properties"));
        Node node = switch (type) {
            case "start" -> new Node.Start(id, out.required("next"));
            case "end" -> new Node.End(id);
            case "conditional" -> conditional(id, props, out, at);
            case "percentage" -> percentage(id, outputs, at.at("outputs"));
            case "rate_limit" -> limit(id, p, out);
            case "model" -> model(id, p, out);
            default -> {
                at.add("type", "%s (expected: start, conditional, percentage, rate_limit, model or end)", e.get("type"));
                yield null;
            }
        };
        if (allowed(type) != null) {
            out.noOthers(allowed(type));
            p.noOthers();
        }
        return node == null || out.failed || p.failed ? null : node;
    }

    /** The outputs an element of {@code type} may have; null for a percentage (any share) or an unknown type. */
    private static Set<String> allowed(String type) {
        return switch (type) {
            case "start" -> Set.of("next");
            case "end" -> Set.of();
            case "conditional" -> Set.of("true", "false");
            case "rate_limit", "model" -> Set.of("success", "fallback");
            default -> null;
        };
    }

    private static Node conditional(String id, JsonNode props, Outputs out, Problems at) {
        JsonNode json = props.has("condition") ? props.get("condition") : props.get("conditions");
        if (props.has("condition") && props.has("conditions")) {
            at.at("properties").add("conditions", "given together with condition (expected: one of them)");
        }
        Condition c = Condition.parse(json, at.at("properties").at(props.has("conditions") ? "conditions" : "condition"));
        String t = out.required("true");
        String f = out.requiredAs("false", "the false output is the else branch");
        return c == null ? null : new Node.Conditional(id, c, t, f);
    }

    private static Node percentage(String id, JsonNode outputs, Problems at) {
        List<Node.Share> shares = new ArrayList<>();
        String otherwise = null;
        int total = 0;
        boolean ok = true;
        if (!outputs.isObject() || outputs.isEmpty()) {
            at.add("", "missing (expected: up to %d outputs such as \"10%%\" plus else)", MAX_SHARES);
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = outputs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String target = Outputs.target(e.getValue(), at.at(e.getKey()));
            if (target == null) {
                ok = false;
                continue;
            }
            if (e.getKey().equals("else")) {
                otherwise = target;
                continue;
            }
            Matcher m = SHARE.matcher(e.getKey());
            double pct = m.matches() ? Double.parseDouble(m.group(1)) : -1;
            if (pct <= 0 || pct > 100) {
                at.add(e.getKey(), "not a share (expected: a percentage from 0.01%% to 100%%, such as \"25%%\", or else)");
                ok = false;
                continue;
            }
            int bp = (int) Math.round(pct * 100);
            total += bp;
            shares.add(new Node.Share(e.getKey(), bp, target));
        }
        if (shares.size() > MAX_SHARES) {
            at.add("", "%d weighted outputs (expected: at most %d, plus else)", shares.size(), MAX_SHARES);
            ok = false;
        }
        if (total > 10_000) {
            at.add("", "the shares sum to %s%% (expected: at most 100%%)", total / 100.0);
            ok = false;
        } else if (total < 10_000 && otherwise == null && ok) {
            at.add("else", "missing: the shares sum to %s%% (expected: an else output for the remaining %s%%)", total / 100.0, (10_000 - total) / 100.0);
            ok = false;
        }
        return ok ? new Node.Percentage(id, shares, otherwise) : null;
    }

    private static Node limit(String id, Properties p, Outputs out) {
        String type = p.text("limitType", true, "count or cost");
        String key = p.text("key", true, "a request field such as metadata.user_id");
        Double limit = p.number("limit", true);
        Double interval = p.number("interval", true);
        String technique = p.text("technique", false, "sliding or fixed");
        String success = out.required("success");
        String fallback = out.optional("fallback");
        Node.LimitType lt = null;
        if (type != null) {
            lt = switch (type) {
                case "count" -> Node.LimitType.COUNT;
                case "cost" -> Node.LimitType.COST;
                default -> {
                    p.problems.add("limitType", "%s (expected: count or cost)", type);
                    yield null;
                }
            };
        }
        if (key != null && RequestView.Field.parse(key) == null) {
            p.problems.add("key", "%s (expected: metadata.<key>, headers.<name> or body.<path>)", key);
        }
        if (limit != null && lt != null) {
            boolean ok = lt == Node.LimitType.COUNT ? limit >= 1 && limit == Math.rint(limit) && limit <= 1e12 : limit >= 1e-6 && limit <= 1e9;
            p.problems.require(ok, "limit", "%s (expected: %s)", limit, lt == Node.LimitType.COUNT ? "a whole number of requests >= 1" : "dollars from 0.000001");
        }
        if (interval != null) {
            p.problems.require(interval == Math.rint(interval) && interval >= 1 && interval <= MAX_INTERVAL, "interval", "%s (expected: whole seconds from 1 to %d)", interval, MAX_INTERVAL);
        }
        if (technique != null && !technique.equals("sliding") && !technique.equals("fixed")) {
            p.problems.add("technique", "%s (expected: sliding or fixed)", technique);
        }
        if (p.failed || out.failed || lt == null) {
            return null;
        }
        return new Node.Limit(id, lt, key, limit, interval.longValue(), "sliding".equals(technique), success, fallback);
    }

    private Node model(String id, Properties p, Outputs out) {
        String provider = p.text("provider", true, "a provider slug such as openai");
        String model = p.text("model", true, "a model name such as gpt-4o-mini");
        Double timeout = p.number("timeout", false);
        Double retries = p.number("retries", false);
        String success = out.required("success");
        String fallback = out.optional("fallback");
        if (provider != null && !knownProvider.test(provider)) {
            p.problems.add("provider", "%s is not a provider the gateway can call with an OpenAI chat request", provider);
        }
        if (timeout != null) {
            p.problems.require(timeout == Math.rint(timeout) && timeout >= 1 && timeout <= 3_600_000, "timeout", "%s (expected: milliseconds from 1 to 3600000)", timeout);
        }
        if (retries != null) {
            p.problems.require(retries == Math.rint(retries) && retries >= 0 && retries <= 4, "retries", "%s (expected: 0 to 4)", retries);
        }
        if (p.failed || out.failed) {
            return null;
        }
        return new Node.Model(id, provider, model, timeout == null ? null : timeout.intValue(), retries == null ? 0 : retries.intValue(), success, fallback);
    }

    private static void checkEdges(Map<String, Node> nodes, Map<String, Problems> where) {
        for (Node n : nodes.values()) {
            for (String target : n.outputs()) {
                Node t = nodes.get(target);
                if (t == null) {
                    where.get(n.id()).add("outputs", "%s names no element (a dangling output)", target);
                } else if (t instanceof Node.Start) {
                    where.get(n.id()).add("outputs", "%s is the start element (expected: nothing leads back to start)", target);
                }
            }
            if (n instanceof Node.Model m && nodes.get(m.success()) != null && !(nodes.get(m.success()) instanceof Node.End)) {
                where.get(n.id()).add("outputs.success", "%s is not an end element (expected: a model's success leads to end)", m.success());
            }
        }
    }

    /** Depth-first from start: an output leading to an element still on the path is a cycle. */
    private static void checkAcyclic(Node.Start start, Map<String, Node> nodes, Map<String, Problems> where) {
        Set<String> done = new HashSet<>();
        Set<String> onPath = new HashSet<>();
        visit(start, nodes, where, done, onPath);
    }

    private static boolean visit(Node n, Map<String, Node> nodes, Map<String, Problems> where, Set<String> done, Set<String> onPath) {
        if (done.contains(n.id())) {
            return true;
        }
        onPath.add(n.id());
        for (String next : n.outputs()) {
            if (onPath.contains(next)) {
                where.get(n.id()).add("outputs", "%s leads back to an element already on the path (a cycle)", next);
                return false;
            }
            if (!visit(nodes.get(next), nodes, where, done, onPath)) {
                return false;
            }
        }
        onPath.remove(n.id());
        done.add(n.id());
        return true;
    }

    static String shorten(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
