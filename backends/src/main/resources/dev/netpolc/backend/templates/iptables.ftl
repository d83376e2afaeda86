<#-- An iptables-restore script: one block per table, as iptables-save prints it. -->
<#list tables as table>
*${table.name()}
<#list table.chains() as chain>
:${chain.name()} ${chain.policy()} [0:0]
</#list>
<#list table.rules() as rule>
-A ${rule.chain()} ${rule.spec()}
</#list>
COMMIT
</#list>
