<#-- An nft -f file that replaces one table in a single transaction: declaring the table first
     makes the delete succeed when it does not exist yet. The table is printed the way
     'nft list table' prints it. -->
# netpolc: replaces table ${table.family()} ${table.name()} and nothing else; load with nft -f
table ${table.family()} ${table.name()}
delete table ${table.family()} ${table.name()}
table ${table.family()} ${table.name()} {
<#list table.sets() as set>
	${set.kind()} ${set.name()} {
		type ${set.type()}
		flags interval
<#if set.elements()?has_content>
		elements = { ${set.elements()} }
</#if>
	}

</#list>
<#list table.chains() as chain>
	chain ${chain.name()} {
<#if chain.hook()??>
		${chain.hook()}
</#if>
<#list chain.rules() as rule>
		${rule}
</#list>
	}
<#sep>

</#sep>
</#list>
}
