{#- One row per account tiered in the previous run: its row in the tier history
    (int_account_tiers) at the latest as-of date before this build's, which
    stability compares with (a re-run of a date, or of an earlier date, never
    reads itself or a later run). No rows on the first build and on a full
    refresh. The history is the output of the steps that read this model, so it
    is found through built_relation() rather than ref() (no cycle); this model
    runs before int_account_tiers adds the new date. -#}
{%- set history = built_relation('int_account_tiers') -%}
with

as_of as (
    select {{ as_of_date() }} as as_of_date
),

previous_run as (
    {% if history is none %}
        -- First build: no history yet.
        select
            cast(null as {{ dbt.type_string() }}) as account_id,
            cast(null as {{ dbt.type_string() }}) as tier,
            cast(null as {{ dbt.type_string() }}) as tier_source,
            cast(null as {{ dbt.type_int() }}) as tier_rank,
            cast(null as {{ dbt.type_int() }}) as runs_below_bar,
            cast(null as date) as as_of_date
        from as_of
        where 1 = 0
    {% else %}
        select
            history.account_id,
            history.tier,
            history.tier_source,
            history.tier_rank,
            history.runs_below_bar,
            history.as_of_date
        from {{ history }} as history
        where history.as_of_date = (
            select max(earlier.as_of_date)
            from {{ history }} as earlier
            cross join as_of
            where earlier.as_of_date < as_of.as_of_date
        )
    {% endif %}
),

final as (
    select * from previous_run
)

select * from final
