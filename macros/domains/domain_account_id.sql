{#- Stable universe id for a company known only by its domain (not in the CRM):
    the same domain gives the same id on every run and every engine (md5 hex). -#}
{% macro domain_account_id(domain_expr) -%}
    {{ dbt.concat(["'dom_'", "substring(" ~ dbt.hash(domain_expr) ~ ", 1, 16)"]) }}
{%- endmacro %}
