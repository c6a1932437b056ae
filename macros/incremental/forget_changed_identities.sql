{#- Pre-hook of int_intent_topic_weeks (incremental runs, not on Spark): delete the
    stored rows of every account whose identity key changed or that no longer
    exists, so the model re-computes their whole history. A table from before the
    identity_key column existed is emptied: everything is re-computed once. -#}
{% macro forget_changed_identities(relation, identities) -%}
    {%- if execute and is_incremental() -%}
        {%- set stored_columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- if 'identity_key' in stored_columns -%}
            delete from {{ relation }}
            where {{ dbt.concat(['account_id', "'|'", 'identity_key']) }} not in (
                select {{ dbt.concat(['account_id', "'|'", 'identity_key']) }}
                from {{ identities }}
            )
        {%- else -%}
            delete from {{ relation }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
