{#- seeds/icp/icp_criteria.csv: add/override need operator equals and points;
    numeric operators need a number; two active overrides may not name the same
    bucket (which would win is undefined). -#}
with

criteria as (
    select * from {{ ref('icp_criteria') }}
),

malformed as (
    select
        criterion_id,
        'add/override needs operator equals and points' as problem
    from criteria
    where action in ('add', 'override') and (operator != 'equals' or points is null)

    union all

    select
        criterion_id,
        'less_than/greater_than needs a number' as problem
    from criteria
    where
        operator in ('less_than', 'greater_than')
        and {{ dbt.safe_cast('value', type_double()) }} is null

    union all

    select
        max(criterion_id) as criterion_id,
        'two active overrides for one bucket' as problem
    from criteria
    where is_active and action = 'override'
    group by attribute_name, lower(value)
    having count(*) > 1
)

select * from malformed
