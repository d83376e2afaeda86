package dev.netpolc.ir;

/**
 * Every diagnostic netpolc can report, with a stable code. Codes are never renumbered or reused;
 * new ones are appended to their range: NP1xxx reading and syntax, NP2xxx meaning (names,
 * addresses, ports), NP3xxx lint, NP4xxx backend limits.
 */
public enum DiagnosticCode {
    // ---- NP1xxx: reading and syntax ----
    UNEXPECTED_CHARACTER("NP1001", Severity.ERROR, "a character that cannot start any token"),
    UNTERMINATED_STRING("NP1002", Severity.ERROR, "a quoted string without its closing quote"),
    SYNTAX_ERROR("NP1003", Severity.ERROR, "the statement does not follow the grammar"),
    UNKNOWN_STATEMENT("NP1004", Severity.ERROR, "a top-level statement that does not exist"),
    /** Retired: reported policy rules before netpolc had them; never reported now, kept so the code is not reused. */
    RULES_NOT_AVAILABLE("NP1005", Severity.ERROR, "retired: policy rules before they were available"),
    INCLUDE_NOT_FOUND("NP1006", Severity.ERROR, "an included file cannot be read"),
    INCLUDE_CYCLE("NP1007", Severity.ERROR, "a file includes itself, directly or through other files"),
    INVALID_ENCODING("NP1008", Severity.ERROR, "a policy file that is not valid UTF-8"),
    INCLUDE_TOO_DEEP("NP1009", Severity.ERROR, "includes nested deeper than the limit"),
    FILE_TOO_LARGE("NP1010", Severity.ERROR, "a policy file larger than the limit"),
    TOO_MANY_ERRORS("NP1011", Severity.ERROR, "more errors than are worth reporting; the rest are not shown"),
    INCLUDE_OUTSIDE_ROOT("NP1012", Severity.ERROR, "an include of a file outside the main policy's directory"),

    // ---- NP2xxx: meaning ----
    UNKNOWN_ATTRIBUTE("NP2001", Severity.ERROR, "an attribute that does not exist in this kind of block"),
    DUPLICATE_ATTRIBUTE("NP2002", Severity.ERROR, "an attribute given twice in one block"),
    UNDEFINED_NETWORK("NP2003", Severity.ERROR, "a reference to a network that is not declared"),
    DUPLICATE_NETWORK("NP2004", Severity.ERROR, "two networks with the same name"),
    DUPLICATE_CONTAINER("NP2005", Severity.ERROR, "two containers with the same name"),
    INVALID_NAME("NP2006", Severity.ERROR, "a network or container name with characters Docker does not allow"),
    INVALID_VALUE("NP2007", Severity.ERROR, "a value of the wrong kind (on/off, driver, number, ...)"),
    INVALID_ADDRESS("NP2010", Severity.ERROR, "an IP address that cannot be parsed"),
    INVALID_CIDR("NP2011", Severity.ERROR, "a subnet that cannot be parsed"),
    CIDR_HOST_BITS("NP2012", Severity.ERROR, "a subnet with host bits set"),
    FAMILY_MISMATCH("NP2013", Severity.ERROR, "an address of the wrong family for where it is used"),
    GATEWAY_OUTSIDE_SUBNET("NP2014", Severity.ERROR, "a gateway that is not a host address of its subnet"),
    RANGE_OUTSIDE_SUBNET("NP2015", Severity.ERROR, "an ip-range that is not inside its subnet"),
    SUBNET_OVERLAP("NP2016", Severity.ERROR, "two networks whose subnets overlap"),
    STATIC_ADDRESS_OUTSIDE_SUBNET("NP2017", Severity.ERROR, "a static address that is not a host address of the network's subnet"),
    STATIC_ADDRESS_RESERVED("NP2018", Severity.ERROR, "a static address that is the gateway, network or broadcast address"),
    ADDRESS_IN_USE("NP2019", Severity.ERROR, "one address given to two containers on one network"),
    POOL_EXHAUSTED("NP2020", Severity.ERROR, "no free address left to allocate on a network"),
    INVALID_INTERFACE_NAME("NP2021", Severity.ERROR, "an interface name the kernel would refuse"),
    DUPLICATE_INTERFACE_NAME("NP2022", Severity.ERROR, "two interfaces with the same name on the host"),
    DUPLICATE_PUBLISH("NP2023", Severity.ERROR, "two publishes of the same host address, port and protocol"),
    PORT_OUT_OF_RANGE("NP2024", Severity.ERROR, "a port outside 1-65535, or a range that runs backwards"),
    PORT_RANGE_MISMATCH("NP2025", Severity.ERROR, "host and container port ranges of different lengths"),
    INVALID_PUBLISH("NP2026", Severity.ERROR, "a publish that is not HOST -> CONTAINER"),
    ATTRIBUTE_NOT_FOR_DRIVER("NP2027", Severity.ERROR, "an attribute that does not apply to the network's driver"),
    PUBLISH_IGNORED("NP2028", Severity.WARNING, "a publish that Docker would ignore (internal, host or none network)"),
    MISSING_ATTRIBUTE("NP2029", Severity.ERROR, "a block that lacks an attribute its driver needs"),
    DUPLICATE_ATTACH("NP2030", Severity.ERROR, "a container attached twice to the same network"),
    NO_DEFAULT_SUBNET("NP2031", Severity.ERROR, "no default address pool left for a network without a subnet"),
    INVALID_MAC("NP2032", Severity.ERROR, "a MAC address that cannot be used"),
    DUPLICATE_MAC("NP2033", Severity.ERROR, "one MAC address on two interfaces of one network"),
    INVALID_CHAIN_PREFIX("NP2034", Severity.ERROR, "a chain prefix iptables would refuse"),
    NO_NETWORK("NP2035", Severity.ERROR, "a container with no network to attach to"),
    ATTACH_OPTION_NOT_FOR_DRIVER("NP2036", Severity.ERROR, "an address or MAC on a network whose driver gives none"),
    CONFLICTING_ATTRIBUTES("NP2037", Severity.ERROR, "two attributes that exclude each other"),
    EXCLUSIVE_NETWORK("NP2038", Severity.ERROR, "a container on a host or none network and another network"),
    UNDEFINED_NODE("NP2039", Severity.ERROR, "a container on a node that is not declared"),
    DUPLICATE_NODE("NP2040", Severity.ERROR, "two nodes with the same name"),
    INVALID_NODE_ADDRESS("NP2041", Severity.ERROR, "a node address that cannot be a tunnel endpoint"),
    UNDEFINED_NAME("NP2042", Severity.ERROR, "a rule or set names a container, network or set that is not declared"),
    AMBIGUOUS_NAME("NP2043", Severity.ERROR, "a name in a rule that is both a network and a container"),
    INVALID_ENDPOINT("NP2044", Severity.ERROR, "a rule endpoint the host's firewall cannot filter"),
    INVALID_RULE_OPTION("NP2045", Severity.ERROR, "a port, protocol, ICMP type, log prefix or comment a rule cannot use"),
    DUPLICATE_DEFINE("NP2046", Severity.ERROR, "two sets with one name, or a set named like a network or container"),
    DEFINE_CYCLE("NP2047", Severity.ERROR, "a set that contains itself"),
    RULE_NEVER_MATCHES("NP2048", Severity.ERROR, "a rule whose source and destination share no address family"),

    // ---- NP3xxx: lint (legal but suspicious; reported by 'netpolc lint') ----
    UNUSED_NETWORK("NP3001", Severity.WARNING, "a network that no container is attached to"),
    ICC_OFF_FEW_CONTAINERS("NP3002", Severity.WARNING, "icc off on a network with fewer than two containers"),
    MASQUERADE_OFF_NEEDS_ROUTE("NP3003", Severity.WARNING, "masquerade off on a network that reaches outside: replies need a route back"),
    STATIC_ADDRESS_IN_RANGE("NP3004", Severity.WARNING, "a static address inside the ip-range that addresses are allocated from"),
    GATEWAY_IN_RANGE("NP3005", Severity.WARNING, "a gateway inside the ip-range that addresses are allocated from"),
    DOCKER0_WITH_PREFIX("NP3006", Severity.WARNING, "a bridge named like Docker's while the chains are not Docker's"),
    MTU_ABOVE_UPLINK("NP3007", Severity.WARNING, "a network MTU above the uplink's"),
    UNUSED_INCLUDE("NP3008", Severity.WARNING, "an included file that declares nothing the policy uses"),
    EPHEMERAL_HOST_PORT("NP3009", Severity.WARNING, "a published host port in the kernel's ephemeral port range"),
    GATEWAY_NOT_FIRST_ATTACH("NP3010", Severity.WARNING, "a container whose default route and ports go through another network than the first it attaches"),
    INTERNAL_IPV6_ND_DROPPED("NP3011", Severity.WARNING, "an internal IPv6 network whose neighbour discovery Docker's rules drop when bridged traffic is filtered"),
    SHADOWED_RULE("NP3012", Severity.WARNING, "a rule that never decides anything because an earlier rule matches all it matches"),
    REDUNDANT_RULE("NP3013", Severity.WARNING, "a rule that a later rule with the same verdict makes unnecessary"),
    USELESS_RULE("NP3014", Severity.WARNING, "an allow of what Docker's rules already allow, or a deny of what they already block"),
    OVERLAPPING_RULES("NP3015", Severity.WARNING, "two rules with different verdicts that partly overlap, so their order decides"),
    UNUSED_SUPPRESSION("NP3016", Severity.WARNING, "an inline suppression that suppresses nothing on the item it precedes"),
    SUPPRESSION_WITHOUT_REASON("NP3017", Severity.WARNING, "an inline suppression that does not say why"),

    // ---- NP4xxx: backends and their validators ----
    VALIDATOR_REJECTED("NP4001", Severity.ERROR, "a target's validator (iptables-restore --test, nft -c, shellcheck) rejected the output");

    private final String id;
    private final Severity defaultSeverity;
    private final String summary;

    DiagnosticCode(String id, Severity defaultSeverity, String summary) {
        this.id = id;
        this.defaultSeverity = defaultSeverity;
        this.summary = summary;
    }

    /** The stable code, such as {@code NP2003}. */
    public String id() {
        return id;
    }

    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    /** One line that says what the code finds. */
    public String summary() {
        return summary;
    }
}
