{#- One row per source, table and issue: how many records carry it in this run
    (the run summary reads this). -#}
with

issues as (
    select * from {{ ref('int_data_quality_issues') }}
),

as_of as (
    select {{ as_of_date() }} as as_of_date
),

final as (
    select
        issues.source_name,
        issues.table_name,
        issues.issue,
        cast(count(*) as {{ dbt.type_bigint() }}) as issue_count,
        as_of.as_of_date
    from issues
    cross join as_of
    group by issues.source_name, issues.table_name, issues.issue, as_of.as_of_date
)

select * from final
