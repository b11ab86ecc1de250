package dev.cutover.examples.analytics;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The app's analytics API: what the reporting screens call. {@link OldAnalytics} answers from the
 * event store, {@link NewAnalytics} from the warehouse; during the migration a {@code DualWrite}
 * proxy of this interface stands in for both. Every method is a read (the names say so: {@code
 * get}, {@code list}), so the proxy sends none of them to both stores as a write.
 */
public interface Analytics {

    /** The report of one presentation, or null when there is no such presentation. */
    @Nullable
    PresentationReport getReport(String presentationId);

    /** How many distinct viewers of a presentation came from each country. */
    CountryBreakdown listViewersByCountry(String presentationId);

    /** The ended presentations with the most distinct viewers, most first, ties by id. */
    List<TopPresentation> listTopPresentations(int limit);

    /**
     * One presentation's numbers.
     *
     * @param presentationId the presentation
     * @param title its title
     * @param presenter who presents it
     * @param viewers distinct viewers who joined
     * @param sessions joins (a viewer may leave and join again)
     * @param totalWatchMillis time watched in the sessions that ended
     * @param avgWatchSeconds average session length in seconds, over the sessions that ended; null
     *     when none has
     * @param slides views per slide, by slide number
     * @param polls answers per poll and choice, by poll then choice
     * @param questions questions asked and not deleted
     * @param upvotes upvotes of those questions
     */
    record PresentationReport(
            String presentationId,
            String title,
            String presenter,
            long viewers,
            long sessions,
            long totalWatchMillis,
            @Nullable BigDecimal avgWatchSeconds,
            List<SlideViews> slides,
            List<PollResult> polls,
            long questions,
            long upvotes) {}

    /**
     * Views of one slide.
     *
     * @param slide the slide number, from 1
     * @param views how many times it was viewed
     */
    record SlideViews(int slide, long views) {}

    /**
     * Answers of one choice of one poll.
     *
     * @param poll the poll
     * @param choice the choice
     * @param answers how many viewers chose it last
     */
    record PollResult(String poll, String choice, long answers) {}

    /**
     * Viewers of a presentation by country.
     *
     * @param presentationId the presentation
     * @param countries one entry per country with viewers; in no promised order
     */
    record CountryBreakdown(String presentationId, List<CountryViewers> countries) {}

    /**
     * Viewers from one country.
     *
     * @param country ISO 3166 code
     * @param viewers distinct viewers
     */
    record CountryViewers(String country, long viewers) {}

    /**
     * One line of the ranking.
     *
     * @param presentationId the presentation
     * @param title its title
     * @param viewers distinct viewers who joined
     */
    record TopPresentation(String presentationId, String title, long viewers) {}
}
