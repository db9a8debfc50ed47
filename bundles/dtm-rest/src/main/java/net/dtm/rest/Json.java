package net.dtm.rest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

/** JSON in and out: request bodies read strictly (unknown fields refused), responses written with Jackson. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** A JSON response of {@code body} (maps, lists, strings, numbers, booleans, null). */
    static HttpResponse response(int status, Object body) {
        try {
            return HttpResponse.json(status, MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** A JSON response with extra headers, e.g. {@code Location}. */
    static HttpResponse response(int status, Object body, Map<String, String> headers) {
        HttpResponse r = response(status, body);
        return new HttpResponse(r.status(), r.contentType(), r.body(), headers);
    }

    /**
     * The request's body as JSON.
     *
     * @throws HttpProblem 400 if it is empty or malformed, saying where
     */
    static JsonNode body(HttpRequest request) {
        if (request.body().length == 0) {
            throw HttpProblem.badRequest("a JSON body is required");
        }
        try {
            JsonNode node = MAPPER.readTree(request.body());
            if (node == null || node.isMissingNode()) {
                throw HttpProblem.badRequest("a JSON body is required");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw HttpProblem.badRequest("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    /** The body as a JSON object whose fields are all among {@code allowed}. */
    static ObjectNode object(HttpRequest request, Set<String> allowed) {
        return object(body(request), allowed, "the body");
    }

    /** {@code node} as an object whose fields are all among {@code allowed}; {@code what} names it in errors. */
    static ObjectNode object(JsonNode node, Set<String> allowed, String what) {
        if (!(node instanceof ObjectNode object)) {
            throw HttpProblem.badRequest(what + " must be a JSON object, got " + kind(node));
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw HttpProblem.badRequest(what + " has unknown field" + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown) + "; expected " + String.join(", ", sorted(allowed)));
        }
        return object;
    }

    /** A text field, or null when absent or JSON null. @throws HttpProblem 400 if it is not a string */
    static String text(ObjectNode object, String field) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw HttpProblem.badRequest("'" + field + "' must be a string, got " + kind(v));
        }
        return v.asText();
    }

    /** A required text field. */
    static String requiredText(ObjectNode object, String field) {
        String v = text(object, field);
        if (v == null) {
            throw HttpProblem.badRequest("'" + field + "' is required");
        }
        return v;
    }

    /** An integer field, or null when absent. @throws HttpProblem 400 if it is not an integer of int range */
    static Integer integer(ObjectNode object, String field) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw HttpProblem.badRequest("'" + field + "' must be an integer, got " + kind(v));
        }
        return v.intValue();
    }

    /** A list of strings, empty when absent. @throws HttpProblem 400 if it is not an array of strings */
    static List<String> strings(ObjectNode object, String field) {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw HttpProblem.badRequest("'" + field + "' must be an array of strings, got " + kind(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw HttpProblem.badRequest("'" + field + "' must be an array of strings; it holds " + kind(item));
            }
            out.add(item.asText().trim());
        }
        return out;
    }

    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
