-- The per-issue counts the run summary reads add up to the issue rows.
with

issues as (
    select * from {{ ref('data_quality_issues') }}
),

counts as (
    select * from {{ ref('data_quality_issue_counts') }}
),

issue_totals as (
    select
        issues.source_name,
        issues.table_name,
        issues.issue,
        count(*) as issue_rows
    from issues
    group by issues.source_name, issues.table_name, issues.issue
),

final as (
    select
        coalesce(issue_totals.source_name, counts.source_name) as source_name,
        coalesce(issue_totals.table_name, counts.table_name) as table_name,
        coalesce(issue_totals.issue, counts.issue) as issue,
        issue_totals.issue_rows,
        counts.issue_count
    from issue_totals
    full outer join counts
        on
            issue_totals.source_name = counts.source_name
            and issue_totals.table_name = counts.table_name
            and issue_totals.issue = counts.issue
    where coalesce(issue_totals.issue_rows, -1) != coalesce(counts.issue_count, -1)
)

select * from final
