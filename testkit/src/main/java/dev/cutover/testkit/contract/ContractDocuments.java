package dev.cutover.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Documents the flag-store contracts put into stores, and how they compare documents. */
final class ContractDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContractDocuments() {}

    /** Well-formed JSON objects that are not valid flags: unknown operator, type mismatch. */
    static Map<String, String> invalidWellFormed() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put(
                "contract.bad.operator",
                "{\"key\":\"contract.bad.operator\",\"on\":true,\"type\":\"boolean\","
                        + "\"variants\":{\"true\":true,\"false\":false},\"offVariant\":\"false\","
                        + "\"rules\":[{\"clauses\":[{\"attribute\":\"country\",\"op\":\"regex\",\"values\":[\"D.*\"]}],"
                        + "\"serve\":{\"variant\":\"true\"}}],"
                        + "\"fallthrough\":{\"variant\":\"true\"},\"version\":1}");
        docs.put(
                "contract.bad.type",
                "{\"key\":\"contract.bad.type\",\"on\":true,\"type\":\"number\","
                        + "\"variants\":{\"true\":true,\"false\":false},\"offVariant\":\"false\","
                        + "\"fallthrough\":{\"variant\":\"true\"},\"version\":1}");
        return docs;
    }

    /** Whether two documents are the same: equal text, or equal JSON trees. */
    static boolean same(String expected, String actual) {
        if (expected.equals(actual)) {
            return true;
        }
        try {
            JsonNode a = JSON.readTree(expected);
            JsonNode b = JSON.readTree(actual);
            return a != null && a.equals(b);
        } catch (Exception e) {
            return false;
        }
    }
}
