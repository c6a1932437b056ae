{#- One row per data-quality issue found in this build: the published form of
    int_data_quality_issues (where the logic lives), same grain and columns. -#}
with

issues as (
    select * from {{ ref('int_data_quality_issues') }}
),

final as (
    select
        issue_id,
        source_name,
        table_name,
        record_id,
        issue,
        detail
    from issues
)

select * from final
