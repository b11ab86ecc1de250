package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.store.JsonFileFlagStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only store contract against {@link JsonFileFlagStore}. The side channel rewrites the
 * file atomically (temporary file, then rename), the way a deploy should.
 */
class JsonFileFlagStoreContractTest extends FlagStoreContract<JsonFileFlagStore> {

    @TempDir
    Path dir;

    private final Map<String, String> docs = new LinkedHashMap<>();

    private Path file() {
        return dir.resolve("flags.json");
    }

    private String content() {
        return "{\"flags\":[\n" + String.join(",\n", docs.values()) + "\n]}\n";
    }

    private void replaceAtomically() throws IOException {
        Path tmp = Files.createTempFile(dir, "flags", ".tmp");
        Files.writeString(tmp, content(), StandardCharsets.UTF_8);
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    protected JsonFileFlagStore createStore() throws IOException {
        docs.clear();
        replaceAtomically();
        return JsonFileFlagStore.of(file());
    }

    @Override
    protected void putRaw(JsonFileFlagStore store, String key, String json) throws Exception {
        long before = store.headRevision();
        docs.put(key, json);
        replaceAtomically();
        awaitRevisionAbove(store, before);
    }

    /** A JSON file holds only well-formed JSON elements. */
    @Override
    protected Map<String, String> badDocuments() {
        return invalidWellFormedDocuments();
    }

    @Test
    void anInPlaceEditReachesTheClient() throws Exception {
        docs.put("file.edit", Flag.stringFlag("file.edit", "OLD").toJson());
        replaceAtomically();
        FlagClient client = newClient(store);
        EvaluationContext ctx = EvaluationContext.of("customer-1");
        awaitTrue(
                () -> client.stringValue("file.edit", ctx, "none").equals("OLD"),
                () -> "initial value not served: " + client.status());

        // an editor that truncates and rewrites the file in place
        docs.put("file.edit", Flag.stringFlag("file.edit", "NEW-VALUE").toJson());
        Files.writeString(file(), content(), StandardCharsets.UTF_8);
        awaitTrue(
                () -> client.stringValue("file.edit", ctx, "none").equals("NEW-VALUE"),
                () -> "in-place edit not served: " + client.status());
    }

    @Test
    void versionComesFromTheDocumentAndDefaultsToOne() throws Exception {
        putRaw(
                store,
                "file.v7",
                Flag.booleanFlag("file.v7", true).toBuilder().version(7).build().toJson());
        putRaw(store, "file.nov", "{\"key\":\"file.nov\",\"type\":\"boolean\",\"variants\":{\"on\":true}}");
        var snapshot = store.load();
        assertThat(document(snapshot, "file.v7").version()).isEqualTo(7);
        assertThat(document(snapshot, "file.nov").version()).isEqualTo(1);
    }
}
