{#- The journey stage an account is in on the as-of date: the furthest stage
    whose "now" flag (int_journey_stage_dates) holds, else known. Shared by
    account_journey and int_account_targets_current so the rule lives once. -#}
{% macro journey_current_stage(relation) -%}
    {%- set now_flags = [
        ('customer', 'is_customer'), ('opportunity', 'has_open_opportunity'), ('mqa', 'is_mqa'),
        ('engaged', 'is_engaged'), ('aware', 'is_aware'), ('qualified', 'is_qualified'),
    ] -%}
    case
        {%- for stage, flag in now_flags %}
            when {{ relation }}.{{ flag }} then '{{ stage }}'
        {%- endfor %}
        else 'known'
    end
{%- endmacro %}
