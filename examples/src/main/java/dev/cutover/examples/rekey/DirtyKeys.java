package dev.cutover.examples.rekey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The ids of the old table, as operators typed and pasted them: a share of them carry invisible
 * or look-alike characters (a zero-width space, a no-break space, full-width letters, a stray tab),
 * and a few ids were entered twice in two different dirty forms: near-duplicates, two old items
 * that the new key makes one. Deterministic for a seed.
 *
 * <p>Every dirt form here normalizes back to the clean id under {@code KeyNormalizer.nfkc()}
 * (stripped, NFKC-folded or trimmed), so the near-duplicates are exactly the key collisions the
 * migration must report: nothing else collides.
 */
final class DirtyKeys {
    /** How a clean id gets dirty: each form keeps the id's meaning and changes its bytes. */
    private static final List<UnaryOperator<String>> DIRT = List.of(
            id -> id + "\u200B", // zero-width space pasted along
            id -> "  " + id + " ", // stray whitespace
            DirtyKeys::fullWidth, // typed with a CJK input method on
            id -> id + "\u00A0", // trailing no-break space
            id -> id.replace("-", "\u2060-"), // word joiner from a rich-text editor
            id -> id + "\t", // a tab from a spreadsheet cell
            id -> "\uFEFF" + id, // byte order mark from a CSV export
            id -> id.substring(0, 8) + "\u200C" + id.substring(8), // zero-width non-joiner in the digits
            id -> id + "\u3000", // ideographic space
            id -> id + "\r\n"); // a line break copied from an email

    /**
     * Two old ids that normalize to one clean id.
     *
     * @param cleanId the id both become
     * @param first one old id (sometimes the clean id itself)
     * @param second the other old id
     */
    record NearDuplicate(String cleanId, String first, String second) {}

    private final List<String> all;
    private final List<String> live;
    private final List<NearDuplicate> nearDuplicates;
    private final int dirty;

    private DirtyKeys(List<String> all, List<String> live, List<NearDuplicate> nearDuplicates, int dirty) {
        this.all = List.copyOf(all);
        this.live = List.copyOf(live);
        this.nearDuplicates = List.copyOf(nearDuplicates);
        this.dirty = dirty;
    }

    /**
     * {@code orders} distinct orders, of which {@code nearDuplicates} were entered twice.
     *
     * @throws IllegalArgumentException when there are not enough orders for the near-duplicates
     */
    static DirtyKeys generate(int orders, int nearDuplicates, long seed) {
        if (orders < 1 || nearDuplicates < 0 || nearDuplicates > orders) {
            throw new IllegalArgumentException("need 1 or more orders and 0 to " + orders + " near-duplicates but was "
                    + orders + " orders, " + nearDuplicates + " near-duplicates");
        }
        Random random = new Random(seed);
        List<String> all = new ArrayList<>();
        List<String> live = new ArrayList<>();
        List<NearDuplicate> pairs = new ArrayList<>();
        int dirty = 0;
        int every = nearDuplicates == 0 ? Integer.MAX_VALUE : orders / nearDuplicates;
        for (int n = 0; n < orders; n++) {
            String clean = cleanId(n);
            if (n % every == every / 2 && pairs.size() < nearDuplicates) {
                int a = random.nextInt(DIRT.size() + 1); // DIRT.size(): the clean id itself
                int b = (a + 1 + random.nextInt(DIRT.size() - 1)) % DIRT.size();
                String first = a == DIRT.size() ? clean : DIRT.get(a).apply(clean);
                String second = DIRT.get(b).apply(clean);
                pairs.add(new NearDuplicate(clean, first, second));
                all.add(first);
                all.add(second);
                dirty += (first.equals(clean) ? 0 : 1) + 1;
            } else {
                String id = maybeDirty(clean, random);
                all.add(id);
                live.add(id);
                dirty += id.equals(clean) ? 0 : 1;
            }
        }
        Collections.shuffle(all, random); // a table has no order; neither does its dump
        return new DirtyKeys(all, live, pairs, dirty);
    }

    /** The clean id of order number {@code n}. */
    static String cleanId(long n) {
        return String.format("order-%06d", n);
    }

    /** {@code clean}, made dirty four times in ten, as a new order id typed by a person. */
    static String maybeDirty(String clean, Random random) {
        return random.nextInt(10) < 4 ? DIRT.get(random.nextInt(DIRT.size())).apply(clean) : clean;
    }

    /** Every old id, both ids of each near-duplicate included. */
    List<String> all() {
        return all;
    }

    /**
     * The ids the services read and write: all but the near-duplicates, which wait for a person to
     * decide which of the two orders keeps the id.
     */
    List<String> live() {
        return live;
    }

    List<NearDuplicate> nearDuplicates() {
        return nearDuplicates;
    }

    /** How many old ids differ from their clean form. */
    int dirtyCount() {
        return dirty;
    }

    /** The key with every character outside printable ASCII escaped, so invisible ones show. */
    static String visible(String key) {
        StringBuilder out = new StringBuilder("'");
        key.chars()
                .forEach(c ->
                        out.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        return out.append('\'').toString();
    }

    private static String fullWidth(String id) {
        StringBuilder out = new StringBuilder(id.length());
        id.chars().forEach(c -> out.append(c > 0x20 && c < 0x7F ? (char) (c - 0x21 + 0xFF01) : (char) c));
        return out.toString();
    }
}
