// The netpolc policy language (*.net files).
//
// Newlines are not significant: every statement starts with a keyword. `;` is an empty statement,
// so it may separate attributes on one line (`subnet 10.0.0.0/24; internal`) without being
// part of any of them; that keeps the grammar free of ambiguity and parsing linear. The grammar is
// deliberately loose where a precise diagnostic helps more than a syntax error: values are plain
// words that the compiler checks (addresses, ports, names), and unknown statements and attributes
// parse so that the compiler can say "unknown attribute 'subnett', did you mean 'subnet'?".
grammar NetPolicy;

policy
    : item* EOF
    ;

item
    : INCLUDE value                                         # includeItem
    | SETTINGS block                                        # settingsItem
    | NETWORK value block                                   # networkItem
    | CONTAINER value block                                 # containerItem
    | NODE value block                                      # nodeItem
    | DEFINE value EQUALS endpointSet                       # defineItem
    | policyRule                                            # ruleItem
    | WORD (WORD | STRING)* block?                          # unknownItem
    | SEMI                                                  # emptyItem
    ;

// A policy rule: `allow web -> db port 5432/tcp`, `log prefix "x" deny any -> 10.0.0.0/8`.
// A rule ends where the next statement's keyword starts; its options are keywords too.
policyRule
    : LOG (PREFIX prefix=value)? verdict? ruleBody
    | verdict ruleBody
    ;

verdict
    : ALLOW | DENY | REJECT
    ;

ruleBody
    : from=endpoint ARROW to=endpoint ruleOption*
    ;

// `network NAME` and `container NAME` say what a bare name means when it is ambiguous.
endpoint
    : kind=(NETWORK | CONTAINER) value
    | value
    | endpointSet
    ;

endpointSet
    : LBRACE (endpoint (COMMA endpoint)* COMMA?)? RBRACE
    ;

ruleOption
    : key=(PORT | PROTO | ICMP_TYPE) valueList
    | key=COMMENT_KW value
    ;

block
    : LBRACE attribute* RBRACE
    ;

attribute
    : DRIVER value                                          # driverAttr
    | SUBNET value                                          # subnetAttr
    | IP_RANGE value                                        # ipRangeAttr
    | GATEWAY value                                         # gatewayAttr
    | BRIDGE_NAME value                                     # bridgeNameAttr
    | MTU value                                             # mtuAttr
    | ICC toggle                                            # iccAttr
    | MASQUERADE toggle                                     # masqueradeAttr
    | SNAT_SOURCE value                                     # snatSourceAttr
    | INTERNAL onOff?                                       # internalAttr
    | HOST_BINDING value                                    # hostBindingAttr
    | PARENT value                                          # parentAttr
    | MODE value                                            # modeAttr
    | VLAN value                                            # vlanAttr
    | VXLAN_ID value                                        # vxlanIdAttr
    | UNDERLAY value                                        # underlayAttr
    | PEERS valueList                                       # peersAttr
    | ATTACH value attachOption*                            # attachAttr
    | PUBLISH value (ARROW value)?                          # publishAttr
    | NETNS value                                           # netnsAttr
    | NODE value                                            # nodeAttr
    | ADDRESS value                                         # addressAttr
    | USERLAND_PROXY toggle                                 # userlandProxyAttr
    | CHAIN_PREFIX value                                    # chainPrefixAttr
    | FORWARD_POLICY value                                  # forwardPolicyAttr
    | NFT_TABLE value                                       # nftTableAttr
    | UPLINK valueList                                      # uplinkAttr
    | UPLINK_MTU value                                      # uplinkMtuAttr
    | LAYOUT value                                          # layoutAttr
    | WORD (WORD | STRING)*                                 # unknownAttr
    | SEMI                                                  # emptyAttr
    ;

attachOption
    : key=(IP | IP6 | MAC) value
    ;

toggle
    : ON | OFF | WORD
    ;

// After a flag such as 'internal' only the keywords may follow, so a word on the next line
// starts the next attribute instead of being read as the flag's value.
onOff
    : ON | OFF
    ;

value
    : WORD | STRING
    ;

valueList
    : value (COMMA value)*
    ;

// ---- keywords (lower case only; a name that equals a keyword is written in quotes) ----
INCLUDE        : 'include' ;
SETTINGS       : 'settings' ;
NETWORK        : 'network' ;
CONTAINER      : 'container' ;
NODE           : 'node' ;
ALLOW          : 'allow' ;
DENY           : 'deny' ;
REJECT         : 'reject' ;
LOG            : 'log' ;
DEFINE         : 'define' ;
PORT           : 'port' ;
PROTO          : 'proto' ;
ICMP_TYPE      : 'icmp-type' ;
COMMENT_KW     : 'comment' ;
PREFIX         : 'prefix' ;
DRIVER         : 'driver' ;
SUBNET         : 'subnet' ;
IP_RANGE       : 'ip-range' ;
GATEWAY        : 'gateway' ;
BRIDGE_NAME    : 'bridge-name' ;
MTU            : 'mtu' ;
ICC            : 'icc' ;
MASQUERADE     : 'masquerade' ;
SNAT_SOURCE    : 'snat-source' ;
INTERNAL       : 'internal' ;
HOST_BINDING   : 'host-binding' ;
PARENT         : 'parent' ;
MODE           : 'mode' ;
VLAN           : 'vlan' ;
VXLAN_ID       : 'vxlan-id' ;
UNDERLAY       : 'underlay' ;
PEERS          : 'peers' ;
ATTACH         : 'attach' ;
IP             : 'ip' ;
IP6            : 'ip6' ;
MAC            : 'mac' ;
PUBLISH        : 'publish' ;
NETNS          : 'netns' ;
ADDRESS        : 'address' ;
USERLAND_PROXY : 'userland-proxy' ;
CHAIN_PREFIX   : 'chain-prefix' ;
FORWARD_POLICY : 'forward-policy' ;
NFT_TABLE      : 'nft-table' ;
UPLINK         : 'uplink' ;
UPLINK_MTU     : 'uplink-mtu' ;
LAYOUT         : 'layout' ;
ON             : 'on' ;
OFF            : 'off' ;

// ---- punctuation ----
LBRACE : '{' ;
RBRACE : '}' ;
SEMI   : ';' ;
COMMA  : ',' ;
ARROW  : '->' ;
EQUALS : '=' ;

// A word is a name, a number, an address, a CIDR, a MAC or a port specification. '-' may only
// stand between word characters, so that "8080->80" lexes as 8080, ->, 80.
WORD
    : WORD_CHAR+ ('-' WORD_CHAR+)*
    ;

STRING
    : '"' (~["\\\r\n] | '\\' ["\\])* '"'
    ;

// A string that reaches the end of the line; reported by the compiler as unterminated.
UNTERMINATED_STRING
    : '"' (~["\\\r\n] | '\\' ["\\])*
    ;

COMMENT
    : '#' ~[\r\n]* -> skip
    ;

WS
    : [ \t\r\n\f]+ -> skip
    ;

// Anything else; the compiler reports it as an unexpected character.
UNEXPECTED_CHAR
    : .
    ;

fragment WORD_CHAR
    : [A-Za-z0-9_.:/[\]]
    ;
