{#- The relation a model was built into by an earlier run, found in the warehouse
    rather than through ref(): for a step that reads the history its own output
    feeds (int_tiers_previous_run reads int_account_tiers), where a ref would be
    a cycle. none at parse time, before the model's first build, and on a full
    refresh of it (the history starts over, as is_incremental() says). -#}
{% macro built_relation(model_name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set nodes = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', model_name)
        | list -%}
    {%- if nodes | length != 1 -%}
        {{ exceptions.raise_compiler_error("built_relation: no single model named '" ~ model_name ~ "'") }}
    {%- endif -%}
    {%- set node = nodes[0] -%}
    {%- set full_refresh = node.config.full_refresh -%}
    {%- if full_refresh is none -%}
        {%- set full_refresh = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if full_refresh -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}
