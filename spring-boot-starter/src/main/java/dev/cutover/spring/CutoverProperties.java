package dev.cutover.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code cutover.*} setting of the starter. Values are checked when the context starts, and a
 * bad one stops it with a {@link CutoverConfigurationException} naming the property and the value.
 *
 * <pre>{@code
 * cutover:
 *   flags:
 *     store: jdbc                 # the application's DataSource
 *     jdbc.create-tables: true
 *   dual-write.repositories.orders:
 *     interface: com.acme.OrderRepository
 *     old-bean: jdbcOrders
 *     new-bean: dynamoOrders
 *     stage-flag: orders.migration
 * }</pre>
 *
 * @since 0.2.0
 */
@ConfigurationProperties("cutover")
public class CutoverProperties {

    private final Flags flags = new Flags();
    private final DualWriteSettings dualWrite = new DualWriteSettings();
    private final Journal journal = new Journal();
    private final Fleet fleet = new Fleet();
    private final Endpoint endpoint = new Endpoint();

    /** The flag client and its store. */
    public Flags getFlags() {
        return flags;
    }

    /** The repositories migrated through a dual-write proxy. */
    public DualWriteSettings getDualWrite() {
        return dualWrite;
    }

    /** The failed-write journal on the application's database. */
    public Journal getJournal() {
        return journal;
    }

    /** Fleet heartbeats: where this instance stands, stored beside the flags. */
    public Fleet getFleet() {
        return fleet;
    }

    /** The Actuator endpoint {@code cutover}. */
    public Endpoint getEndpoint() {
        return endpoint;
    }

    /**
     * The flag client and its store ({@code cutover.flags.*}).
     *
     * @since 0.2.0
     */
    public static class Flags {
        /**
         * Where flags are stored: json-file (a local file, read-only), jdbc (the application's
         * DataSource, or the one named by cutover.flags.jdbc.data-source), or dynamodb (the
         * application's DynamoDbClient). Without it no flag client is configured.
         */
        private @Nullable String store;

        /** How often the store's head revision is checked. Push hints act at once. */
        private Duration pollInterval = Duration.ofSeconds(30);

        /** Random spread of each poll delay, as a fraction of the interval, in [0, 1). */
        private double pollJitter = 0.1;

        /** How long startup waits for the first load before serving the backup file or defaults. */
        private Duration startupTimeout = Duration.ofSeconds(5);

        /** A local file keeping the last good snapshot, served when the store is down at startup. */
        private @Nullable String backupFile;

        /**
         * After this long without the store confirming the snapshot, the client reports STALE and
         * the staleness policy applies. Default: two poll intervals plus the store time limits.
         */
        private @Nullable Duration maxStaleness;

        /**
         * What a client serves once stale past max-staleness: keep-last-good or serve-defaults.
         * Needs max-staleness.
         */
        private String stalenessPolicy = "keep-last-good";

        /** Time limit of one store call. */
        private Duration storeTimeout = Duration.ofSeconds(2);

        /** The JSON file of the json-file store. */
        private @Nullable String file;

        private final Jdbc jdbc = new Jdbc();
        private final DynamoDb dynamodb = new DynamoDb();

        public @Nullable String getStore() {
            return store;
        }

        public void setStore(@Nullable String store) {
            this.store = store;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public double getPollJitter() {
            return pollJitter;
        }

        public void setPollJitter(double pollJitter) {
            this.pollJitter = pollJitter;
        }

        public Duration getStartupTimeout() {
            return startupTimeout;
        }

        public void setStartupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
        }

        public @Nullable String getBackupFile() {
            return backupFile;
        }

        public void setBackupFile(@Nullable String backupFile) {
            this.backupFile = backupFile;
        }

        public @Nullable Duration getMaxStaleness() {
            return maxStaleness;
        }

        public void setMaxStaleness(@Nullable Duration maxStaleness) {
            this.maxStaleness = maxStaleness;
        }

        public String getStalenessPolicy() {
            return stalenessPolicy;
        }

        public void setStalenessPolicy(String stalenessPolicy) {
            this.stalenessPolicy = stalenessPolicy;
        }

        public Duration getStoreTimeout() {
            return storeTimeout;
        }

        public void setStoreTimeout(Duration storeTimeout) {
            this.storeTimeout = storeTimeout;
        }

        public @Nullable String getFile() {
            return file;
        }

        public void setFile(@Nullable String file) {
            this.file = file;
        }

        /** The jdbc store's settings. */
        public Jdbc getJdbc() {
            return jdbc;
        }

        /** The dynamodb store's settings. */
        public DynamoDb getDynamodb() {
            return dynamodb;
        }
    }

    /**
     * The jdbc flag store ({@code cutover.flags.jdbc.*}).
     *
     * @since 0.2.0
     */
    public static class Jdbc {
        /** The DataSource bean to use; default: the application's only (or primary) DataSource. */
        private @Nullable String dataSource;

        /** Prefix of the flag tables (flags, revision, audit, heartbeats). */
        private String tablePrefix = "cutover_";

        /** Create the tables at startup when they do not exist (safe from many instances at once). */
        private boolean createTables = false;

        public @Nullable String getDataSource() {
            return dataSource;
        }

        public void setDataSource(@Nullable String dataSource) {
            this.dataSource = dataSource;
        }

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public boolean isCreateTables() {
            return createTables;
        }

        public void setCreateTables(boolean createTables) {
            this.createTables = createTables;
        }
    }

    /**
     * The dynamodb flag store ({@code cutover.flags.dynamodb.*}).
     *
     * @since 0.2.0
     */
    public static class DynamoDb {
        /** The DynamoDbClient bean to use; default: the application's only (or primary) one. */
        private @Nullable String client;

        /** The flag table. */
        private String table = "cutover-flags";

        /** Prefix of every item key, so that several flag sets share one table. */
        private String keyPrefix = "";

        /** Create the table at startup when it does not exist. */
        private boolean createTable = false;

        public @Nullable String getClient() {
            return client;
        }

        public void setClient(@Nullable String client) {
            this.client = client;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public boolean isCreateTable() {
            return createTable;
        }

        public void setCreateTable(boolean createTable) {
            this.createTable = createTable;
        }
    }

    /**
     * Dual-write repositories ({@code cutover.dual-write.*}).
     *
     * @since 0.2.0
     */
    public static class DualWriteSettings {
        /**
         * The migrated repositories by name. Each names its interface, the old and the new bean
         * implementing it, and the stage flag; injection points of the interface receive the proxy.
         */
        private Map<String, Repository> repositories = new LinkedHashMap<>();

        public Map<String, Repository> getRepositories() {
            return repositories;
        }

        public void setRepositories(Map<String, Repository> repositories) {
            this.repositories = repositories;
        }
    }

    /**
     * One migrated repository ({@code cutover.dual-write.repositories.<name>.*}).
     *
     * @since 0.2.0
     */
    public static class Repository {
        /** The repository interface, fully qualified. */
        private @Nullable String type;

        /** The bean being migrated away from. */
        private @Nullable String oldBean;

        /** The bean being migrated to. */
        private @Nullable String newBean;

        /** The string flag naming the stage. */
        private @Nullable String stageFlag;

        /**
         * The FailedWriteJournal bean recording missed shadow writes; default: the application's
         * only journal (cutover.journal), else an in-memory one.
         */
        private @Nullable String journal;

        /** The stage served while the flag is missing or the client has no data. */
        private String defaultStage = "OLD_ONLY";

        /**
         * The accessor of the entity key on a method's first argument, such as id (an id() or getId()
         * method), for every method whose first parameter is an entity; the key orders shadow writes
         * of one entity and is what a missed write is journaled under.
         */
        private @Nullable String entityKey;

        /** The interface, fully qualified ({@code interface:} in YAML). */
        public @Nullable String getInterface() {
            return type;
        }

        /** Sets the interface. */
        public void setInterface(@Nullable String type) {
            this.type = type;
        }

        public @Nullable String getOldBean() {
            return oldBean;
        }

        public void setOldBean(@Nullable String oldBean) {
            this.oldBean = oldBean;
        }

        public @Nullable String getNewBean() {
            return newBean;
        }

        public void setNewBean(@Nullable String newBean) {
            this.newBean = newBean;
        }

        public @Nullable String getStageFlag() {
            return stageFlag;
        }

        public void setStageFlag(@Nullable String stageFlag) {
            this.stageFlag = stageFlag;
        }

        public @Nullable String getJournal() {
            return journal;
        }

        public void setJournal(@Nullable String journal) {
            this.journal = journal;
        }

        public @Nullable String getEntityKey() {
            return entityKey;
        }

        public void setEntityKey(@Nullable String entityKey) {
            this.entityKey = entityKey;
        }

        public String getDefaultStage() {
            return defaultStage;
        }

        public void setDefaultStage(String defaultStage) {
            this.defaultStage = defaultStage;
        }
    }

    /**
     * The failed-write journal ({@code cutover.journal.*}).
     *
     * @since 0.2.0
     */
    public static class Journal {
        /** Keep the dual-write journal in tables on the application's DataSource. */
        private boolean enabled = false;

        /** The DataSource bean to use; default: the application's only (or primary) DataSource. */
        private @Nullable String dataSource;

        /** Prefix of the journal tables (failed_writes, gaps, runs). */
        private String tablePrefix = "cutover_";

        /** Create the tables at startup when they do not exist. */
        private boolean createTables = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable String getDataSource() {
            return dataSource;
        }

        public void setDataSource(@Nullable String dataSource) {
            this.dataSource = dataSource;
        }

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public boolean isCreateTables() {
            return createTables;
        }

        public void setCreateTables(boolean createTables) {
            this.createTables = createTables;
        }
    }

    /**
     * Fleet heartbeats ({@code cutover.fleet.*}).
     *
     * @since 0.2.0
     */
    public static class Fleet {
        /**
         * Publish this instance's heartbeat (revision, stages, client state) beside the flags, once
         * per poll interval and promptly on a change. Stores without heartbeats (json-file) run
         * without, saying so once at INFO.
         */
        private boolean enabled = true;

        /** The service name; default: spring.application.name. */
        private @Nullable String service;

        /** This instance's id; default: host name and process id. */
        private @Nullable String instance;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable String getService() {
            return service;
        }

        public void setService(@Nullable String service) {
            this.service = service;
        }

        public @Nullable String getInstance() {
            return instance;
        }

        public void setInstance(@Nullable String instance) {
            this.instance = instance;
        }
    }

    /**
     * The Actuator endpoint {@code cutover} ({@code cutover.endpoint.*}).
     *
     * @since 0.2.0
     */
    public static class Endpoint {
        /**
         * Accept stage moves from requests without an authenticated principal, recording the actor
         * as "anonymous". Off: such a move is refused with 403. Turn on only where the management
         * port is reachable by operators alone.
         */
        private boolean allowAnonymousWrites = false;

        public boolean isAllowAnonymousWrites() {
            return allowAnonymousWrites;
        }

        public void setAllowAnonymousWrites(boolean allowAnonymousWrites) {
            this.allowAnonymousWrites = allowAnonymousWrites;
        }
    }
}
