package dev.cutover.examples.analytics;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The analytics API on the warehouse ({@link StarSchema}): each answer is a few indexed SQL
 * queries over the facts of one presentation, joined to the dimensions, reading live rows only.
 * Its cost depends on the presentation asked about, not on the whole history.
 */
public final class NewAnalytics implements Analytics {
    private final DataSource dataSource;

    public NewAnalytics(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public @Nullable PresentationReport getReport(String presentationId) {
        try (Connection c = dataSource.getConnection()) {
            String title;
            String presenter;
            try (ResultSet rs = query(
                    c,
                    "SELECT title, presenter FROM dim_presentation WHERE entity_key = ? AND NOT deleted",
                    presentationId)) {
                if (!rs.next()) {
                    return null;
                }
                title = rs.getString(1);
                presenter = rs.getString(2);
            }
            long viewers;
            long sessions;
            long watched;
            BigDecimal avg;
            // AVG of a BIGINT is an exact NUMERIC: here the warehouse is more precise than the old code
            try (ResultSet rs = query(
                    c,
                    "SELECT count(DISTINCT viewer_id), count(*), coalesce(sum(watch_ms), 0),"
                            + " avg(watch_ms) / 1000 FROM fact_attendance WHERE presentation_id = ? AND NOT deleted",
                    presentationId)) {
                rs.next();
                viewers = rs.getLong(1);
                sessions = rs.getLong(2);
                watched = rs.getLong(3);
                avg = rs.getBigDecimal(4);
            }
            List<SlideViews> slides = new ArrayList<>();
            try (ResultSet rs = query(
                    c,
                    "SELECT slide, count(*) FROM fact_slide_view"
                            + " WHERE presentation_id = ? AND NOT deleted GROUP BY slide ORDER BY slide",
                    presentationId)) {
                while (rs.next()) {
                    slides.add(new SlideViews(rs.getInt(1), rs.getLong(2)));
                }
            }
            List<PollResult> polls = new ArrayList<>();
            try (ResultSet rs = query(
                    c,
                    "SELECT poll, choice, count(*) FROM fact_poll_answer WHERE presentation_id = ?"
                            + " AND NOT deleted GROUP BY poll, choice ORDER BY poll, choice",
                    presentationId)) {
                while (rs.next()) {
                    polls.add(new PollResult(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
            try (ResultSet rs = query(
                    c,
                    "SELECT count(*), coalesce(sum(upvotes), 0) FROM fact_question"
                            + " WHERE presentation_id = ? AND NOT deleted",
                    presentationId)) {
                rs.next();
                return new PresentationReport(
                        presentationId,
                        title,
                        presenter,
                        viewers,
                        sessions,
                        watched,
                        avg,
                        slides,
                        polls,
                        rs.getLong(1),
                        rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("warehouse query failed: " + e.getMessage(), e);
        }
    }

    @Override
    public CountryBreakdown listViewersByCountry(String presentationId) {
        List<CountryViewers> countries = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                ResultSet rs = query(
                        c,
                        "SELECT v.country, count(DISTINCT a.viewer_id) FROM fact_attendance a"
                                + " JOIN dim_viewer v ON v.entity_key = a.viewer_id AND NOT v.deleted"
                                + " WHERE a.presentation_id = ? AND NOT a.deleted GROUP BY v.country ORDER BY v.country",
                        presentationId)) {
            while (rs.next()) {
                countries.add(new CountryViewers(rs.getString(1), rs.getLong(2)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("warehouse query failed: " + e.getMessage(), e);
        }
        return new CountryBreakdown(presentationId, countries);
    }

    @Override
    public List<TopPresentation> listTopPresentations(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
        }
        List<TopPresentation> top = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT p.entity_key, p.title, count(DISTINCT a.viewer_id) AS viewers"
                                + " FROM dim_presentation p"
                                + " LEFT JOIN fact_attendance a ON a.presentation_id = p.entity_key AND NOT a.deleted"
                                + " WHERE NOT p.deleted AND p.ended_at IS NOT NULL"
                                + " GROUP BY p.entity_key, p.title ORDER BY viewers DESC, p.entity_key LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    top.add(new TopPresentation(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("warehouse query failed: " + e.getMessage(), e);
        }
        return top;
    }

    /** Runs a query with one parameter; the result set closes its statement. */
    private static ResultSet query(Connection c, String sql, String parameter) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setString(1, parameter);
        ps.closeOnCompletion();
        return ps.executeQuery();
    }
}
