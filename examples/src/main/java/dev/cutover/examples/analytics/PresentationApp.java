package dev.cutover.examples.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The live application of the story: presentations, viewers joining and leaving, slide views,
 * poll answers and questions, each command one event (or a few) appended to the {@link
 * EventStore} and then handed to the app's listener, which in production pushes the new state to
 * the producers' and viewers' screens.
 *
 * <p>The migration does not change a line of this class: it only wraps the listener the app is
 * constructed with ({@code new PresentationApp(store, clock, mirror.tap(screens))}).
 *
 * <p>Thread-safe: commands are serialized, so the sequence numbers of one entity's events follow
 * the order of its changes. A command on an entity that does not exist, or on a presentation that
 * is not running, throws {@link IllegalStateException} naming it, and writes nothing.
 */
public final class PresentationApp {
    private final EventStore store;
    private final Clock clock;
    private final Consumer<Event> listener;
    /** The current state of every live entity: what the screens show. */
    private final Map<String, ObjectNode> state = new HashMap<>();

    private final Map<String, Integer> lastId = new HashMap<>();

    public PresentationApp(EventStore store, Clock clock, Consumer<Event> listener) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Schedules a presentation; returns its id. */
    public synchronized String createPresentation(String title, String presenter, int slides) throws SQLException {
        ObjectNode p = object().put("title", title)
                .put("presenter", presenter)
                .put("slideCount", slides)
                .putNull("startedAt")
                .putNull("endedAt");
        return create("pres", "presentation.created", p);
    }

    /** Renames a presentation. */
    public synchronized void renamePresentation(String id, String title) throws SQLException {
        edit(id, "presentation.renamed", entity(id, "pres").deepCopy().put("title", title));
    }

    /** Starts a scheduled presentation: viewers may join. */
    public synchronized void startPresentation(String id) throws SQLException {
        ObjectNode p = entity(id, "pres");
        if (!p.get("startedAt").isNull()) {
            throw new IllegalStateException("presentation " + id + " has already started");
        }
        edit(id, "presentation.started", p.deepCopy().put("startedAt", now()));
    }

    /** Ends a running presentation; every viewer still watching leaves. */
    public synchronized void endPresentation(String id) throws SQLException {
        running(id);
        for (Map.Entry<String, ObjectNode> e : new ArrayList<>(state.entrySet())) {
            ObjectNode a = e.getValue();
            if (e.getKey().startsWith("att-")
                    && a.get("presentationId").asText().equals(id)
                    && a.get("leftAt").isNull()) {
                edit(e.getKey(), "viewer.left", a.deepCopy().put("leftAt", now()));
            }
        }
        edit(id, "presentation.ended", entity(id, "pres").deepCopy().put("endedAt", now()));
    }

    /** Deletes a presentation that never started (one scheduled by mistake). */
    public synchronized void deletePresentation(String id) throws SQLException {
        if (!entity(id, "pres").get("startedAt").isNull()) {
            throw new IllegalStateException("presentation " + id + " has started and keeps its history");
        }
        delete(id, "presentation.deleted");
    }

    /** Registers a viewer; returns the id. */
    public synchronized String registerViewer(String name, String country) throws SQLException {
        return create("viewer", "viewer.registered", object().put("name", name).put("country", country));
    }

    /** Changes a viewer's profile. */
    public synchronized void updateViewer(String id, String name, String country) throws SQLException {
        edit(
                id,
                "viewer.updated",
                entity(id, "viewer").deepCopy().put("name", name).put("country", country));
    }

    /** A viewer joins a running presentation; returns the id of the attendance. */
    public synchronized String join(String presentationId, String viewerId) throws SQLException {
        running(presentationId);
        entity(viewerId, "viewer");
        return create(
                "att",
                "viewer.joined",
                fact(presentationId, viewerId).put("joinedAt", now()).putNull("leftAt"));
    }

    /** A viewer leaves. */
    public synchronized void leave(String attendanceId) throws SQLException {
        ObjectNode a = entity(attendanceId, "att");
        if (!a.get("leftAt").isNull()) {
            throw new IllegalStateException("attendance " + attendanceId + " has already ended");
        }
        edit(attendanceId, "viewer.left", a.deepCopy().put("leftAt", now()));
    }

    /** A viewer looks at a slide; returns the id of the view. */
    public synchronized String viewSlide(String presentationId, String viewerId, int slide) throws SQLException {
        int slides = running(presentationId).get("slideCount").asInt();
        if (slide < 1 || slide > slides) {
            throw new IllegalStateException(
                    "presentation " + presentationId + " has slides 1 to " + slides + ", not " + slide);
        }
        return create(
                "view",
                "slide.viewed",
                fact(presentationId, viewerId).put("slide", slide).put("viewedAt", now()));
    }

    /** A viewer answers a poll; returns the id of the answer. */
    public synchronized String answerPoll(String presentationId, String viewerId, String poll, String choice)
            throws SQLException {
        running(presentationId);
        return create(
                "answer",
                "poll.answered",
                fact(presentationId, viewerId)
                        .put("poll", poll)
                        .put("choice", choice)
                        .put("answeredAt", now()));
    }

    /** A viewer changes an answer. */
    public synchronized void changeAnswer(String answerId, String choice) throws SQLException {
        ObjectNode a = entity(answerId, "answer");
        running(a.get("presentationId").asText());
        edit(answerId, "poll.changed", a.deepCopy().put("choice", choice).put("answeredAt", now()));
    }

    /** A viewer takes an answer back. */
    public synchronized void retractAnswer(String answerId) throws SQLException {
        running(entity(answerId, "answer").get("presentationId").asText());
        delete(answerId, "poll.retracted");
    }

    /** A viewer asks a question; returns its id. */
    public synchronized String askQuestion(String presentationId, String viewerId, String text) throws SQLException {
        running(presentationId);
        return create(
                "question",
                "question.asked",
                fact(presentationId, viewerId)
                        .put("text", text)
                        .put("upvotes", 0)
                        .put("askedAt", now()));
    }

    /** The asker rewords a question. */
    public synchronized void editQuestion(String questionId, String text) throws SQLException {
        edit(questionId, "question.edited", question(questionId).deepCopy().put("text", text));
    }

    /** Another viewer upvotes a question. */
    public synchronized void upvote(String questionId) throws SQLException {
        ObjectNode q = question(questionId);
        edit(
                questionId,
                "question.upvoted",
                q.deepCopy().put("upvotes", q.get("upvotes").asInt() + 1));
    }

    /** A moderator removes a question. */
    public synchronized void deleteQuestion(String questionId) throws SQLException {
        question(questionId);
        delete(questionId, "question.deleted");
    }

    private ObjectNode question(String id) {
        ObjectNode q = entity(id, "question");
        running(q.get("presentationId").asText());
        return q;
    }

    private ObjectNode running(String presentationId) {
        ObjectNode p = entity(presentationId, "pres");
        if (p.get("startedAt").isNull() || !p.get("endedAt").isNull()) {
            throw new IllegalStateException("presentation " + presentationId + " is not running");
        }
        return p;
    }

    private ObjectNode entity(String id, String prefix) {
        ObjectNode e = id.startsWith(prefix + "-") ? state.get(id) : null;
        if (e == null) {
            throw new IllegalStateException("no " + prefix + " entity '" + id + "'");
        }
        return e;
    }

    private static ObjectNode fact(String presentationId, String viewerId) {
        return object().put("presentationId", presentationId).put("viewerId", viewerId);
    }

    private String create(String prefix, String type, ObjectNode data) throws SQLException {
        String id = String.format("%s-%05d", prefix, lastId.merge(prefix, 1, Integer::sum));
        apply(type, id, Event.Op.CREATE, data);
        return id;
    }

    private void edit(String id, String type, ObjectNode data) throws SQLException {
        apply(type, id, Event.Op.EDIT, data);
    }

    private void delete(String id, String type) throws SQLException {
        apply(type, id, Event.Op.DELETE, null);
    }

    private void apply(String type, String id, Event.Op op, @Nullable ObjectNode data) throws SQLException {
        Event event = store.append(type, id, op, clock.instant(), data);
        if (data == null) {
            state.remove(id);
        } else {
            state.put(id, data);
        }
        listener.accept(event);
    }

    private String now() {
        return clock.instant().toString();
    }

    private static ObjectNode object() {
        return EventStore.JSON.createObjectNode();
    }
}
