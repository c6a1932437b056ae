{#- One row per cutoff and scoped account that an active exclude criterion of
    seed icp_criteria matches: the reasons of every matching criterion, in
    criterion order. A criterion tests an ICP attribute value
    (int_icp_account_attributes: industry, country, `uses <tech>` ...) or a CRM
    field (account_type, domain, employee_count, annual_revenue): equals
    compares text case-insensitively, less_than / greater_than numbers; an
    unknown value never matches. A criterion without a reason excludes nobody. -#}
with

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

attributes as (
    select * from {{ ref('int_icp_account_attributes') }}
),

exclusion_criteria as (
    select * from {{ ref('icp_criteria') }}
    where
        is_active
        and action = 'exclude'
        and reason is not null
),

-- Every field an exclusion may test: the ICP attribute values plus CRM fields.
profile_values as (
    select
        cutoff_name,
        account_id,
        attribute_name as field,
        bucket as text_value,
        cast(null as {{ type_double() }}) as number_value
    from attributes

    union all

    select
        cutoff_name,
        account_id,
        'account_type' as field,
        account_type as text_value,
        cast(null as {{ type_double() }}) as number_value
    from scoped_accounts
    where account_type is not null

    union all

    select
        cutoff_name,
        account_id,
        'domain' as field,
        domain as text_value,
        cast(null as {{ type_double() }}) as number_value
    from scoped_accounts
    where domain is not null

    union all

    select
        cutoff_name,
        account_id,
        'employee_count' as field,
        cast(null as {{ dbt.type_string() }}) as text_value,
        cast(employee_count as {{ type_double() }}) as number_value
    from scoped_accounts
    where employee_count is not null

    union all

    select
        cutoff_name,
        account_id,
        'annual_revenue' as field,
        cast(null as {{ dbt.type_string() }}) as text_value,
        cast(annual_revenue as {{ type_double() }}) as number_value
    from scoped_accounts
    where annual_revenue is not null
),

exclusion_matches as (
    select distinct
        profile_values.cutoff_name,
        profile_values.account_id,
        exclusion_criteria.criterion_id,
        exclusion_criteria.reason
    from profile_values
    inner join exclusion_criteria
        on
            profile_values.field = exclusion_criteria.attribute_name
            and (
                (
                    exclusion_criteria.operator = 'equals'
                    and lower(profile_values.text_value) = lower(exclusion_criteria.value)
                )
                or (
                    exclusion_criteria.operator = 'less_than'
                    and profile_values.number_value
                    < {{ dbt.safe_cast('exclusion_criteria.value', type_double()) }}
                )
                or (
                    exclusion_criteria.operator = 'greater_than'
                    and profile_values.number_value
                    > {{ dbt.safe_cast('exclusion_criteria.value', type_double()) }}
                )
            )
),

final as (
    select
        cutoff_name,
        account_id,
        cast(
            {{ dbt.listagg('reason', "'; '", 'order by criterion_id') }} as {{ dbt.type_string() }}
        ) as exclusion_reason
    from exclusion_matches
    group by
        cutoff_name,
        account_id
)

select * from final
