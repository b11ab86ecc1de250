package dev.cutover.spring.internal;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;

/**
 * The dual-write proxies the starter built, by migration name: read by the endpoint, the metrics
 * and the fleet heartbeat; closed with the context (shadow work drained within the default bound).
 */
public final class DualWriteRepositories implements DisposableBean {

    /** One proxy and how it was configured. */
    record Entry(RepositorySpec spec, Class<?> type, Object proxy, DualWriteControl control) {}

    private final Map<String, Entry> entries = Collections.synchronizedMap(new LinkedHashMap<>());

    void add(RepositorySpec spec, Class<?> type, Object proxy) {
        entries.put(spec.name(), new Entry(spec, type, proxy, DualWrite.control(proxy)));
    }

    /** A copy of the entries, in registration order. */
    Map<String, Entry> entries() {
        synchronized (entries) {
            return new LinkedHashMap<>(entries);
        }
    }

    /** Each proxy's name and the stage a call without an entity key is served now. */
    public Map<String, String> stages() {
        Map<String, String> stages = new LinkedHashMap<>();
        entries().forEach((name, e) -> stages.put(name, e.control().stage(null).name()));
        return stages;
    }

    @Override
    public void destroy() {
        for (Entry e : entries().values()) {
            e.control().close();
        }
    }
}
