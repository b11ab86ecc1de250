package dev.cutover.spring;

import dev.cutover.spring.fixtures.OrderRepository;

/** The properties of the migrated repository {@code orders} that the tests configure. */
final class OrdersMigration {
    static final String REPO = "cutover.dual-write.repositories.orders.";

    private OrdersMigration() {}

    /** {@link OrderRepository} from {@code oldBean} to {@code newBean}, staged by {@code orders.migration}. */
    static String[] properties(String oldBean, String newBean) {
        return new String[] {
            REPO + "interface=" + OrderRepository.class.getName(),
            REPO + "old-bean=" + oldBean,
            REPO + "new-bean=" + newBean,
            REPO + "stage-flag=orders.migration"
        };
    }
}
